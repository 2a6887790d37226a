"""`ebox evidence verify`: checks a message's evidence records without trusting the service —
each signature against a key whose endorsement holds against the KMS evidence key (the anchor: the
JWKS's key that carries no endorsement), the chain of records and its signed head (nothing dropped at
the end), and the documents' digests."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from ebox.domain.evidence import HEAD_TYPE, JWS_TYPE, check_chain, check_head

ENDORSEMENT_TYPE = "ebox-key-endorsement+jwt"
ENDORSEMENT_MEMBER = "ebox_endorsement"
KeyLookup = Callable[[str], dict[str, Any] | None]


@dataclass
class Verdict:
    rows: list[tuple[str, str, bool, str]] = field(default_factory=list)  # (record, event, ok, what)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(row[2] for row in self.rows)


def _digest(path: Path) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(path.read_bytes()).digest()).rstrip(b"=").decode()


def _unverified(token: str) -> dict[str, Any]:
    """What a record claims, when its signature failed: still needed to check the chain around it."""
    try:
        return dict(jwt.decode(token, options={"verify_signature": False}))
    except jwt.InvalidTokenError:
        return {}


class _Keys:
    """Keys by kid, each trusted only once its endorsement verifies against an anchor (a KMS key)."""

    def __init__(self, jwks: dict[str, Any], lookup: KeyLookup | None) -> None:
        listed = jwks.get("keys", [])
        self._anchors = {k.get("kid"): jwt.PyJWK(k) for k in listed if ENDORSEMENT_MEMBER not in k}
        self._listed = {k.get("kid"): k for k in listed}
        self._lookup = lookup
        self._endorsed: dict[str, tuple[jwt.PyJWK, dict[str, Any]]] = {}

    def key_for(self, kid: str) -> tuple[jwt.PyJWK, dict[str, Any] | None]:
        """The verified key and its endorsement's claims (None for an anchor itself)."""
        if kid in self._anchors:
            return self._anchors[kid], None
        if kid not in self._endorsed:
            jwk = self._listed.get(kid) or (self._lookup(kid) if self._lookup else None)
            if jwk is None:
                raise jwt.InvalidTokenError(f"signed with key {kid!r}, which neither the JWKS nor the service holds")
            self._endorsed[kid] = (jwt.PyJWK(jwk), self._endorsement(kid, jwk))
        return self._endorsed[kid]

    def _endorsement(self, kid: str, jwk: dict[str, Any]) -> dict[str, Any]:
        token = jwk.get(ENDORSEMENT_MEMBER)
        if not token:
            raise jwt.InvalidTokenError(f"key {kid!r} is neither the KMS evidence key nor endorsed by it")
        header = jwt.get_unverified_header(token)
        anchor = self._anchors.get(header.get("kid"))
        if anchor is None or header.get("typ") != ENDORSEMENT_TYPE:
            raise jwt.InvalidTokenError(f"key {kid!r} is not endorsed by a KMS evidence key of the JWKS")
        claims = jwt.decode(token, anchor.key, algorithms=["ES256"], options={"verify_exp": False,
                                                                              "verify_iat": False})
        endorsed = claims.get("jwk", {})
        if any(endorsed.get(m) != jwk.get(m) for m in ("kid", "crv", "x", "y")):
            raise jwt.InvalidTokenError(f"the endorsement of key {kid!r} is for another key")
        return claims

    def verify(self, token: str, typ: str, when: str | None) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != typ:
            raise jwt.InvalidTokenError(f"not an e-Box {typ} (typ {header.get('typ')!r})")
        key, endorsement = self.key_for(str(header.get("kid")))
        payload = dict(jwt.decode(token, key.key, algorithms=["ES256"], options={"verify_aud": False}))
        if endorsement and "exp" in endorsement:
            at = payload.get(when or "", "")
            moment = datetime.fromisoformat(str(at).replace("Z", "+00:00")).timestamp() if at else None
            if moment is None or not endorsement["iat"] - 300 <= moment <= endorsement["exp"] + 300:
                raise jwt.InvalidTokenError(f"signed at {at or '?'}, outside its key's endorsed day")
        return payload


def verify_records(jws_list: list[str], jwks: dict[str, Any], documents: list[Path], *, head: str | None = None,  # noqa: PLR0913
                   lookup: KeyLookup | None = None, archives: list[dict[str, Any] | None] | None = None,
                   tsa_certificate: bytes | None = None) -> Verdict:
    verdict = Verdict()
    for jws, archive in zip(jws_list, archives or [], strict=False):
        if archive:
            verdict.rows.append(check_archive(jws, archive, tsa_certificate))
    keys = _Keys(jwks, lookup)
    payloads: list[dict[str, Any]] = []
    for position, token in enumerate(jws_list, start=1):
        try:
            payload = keys.verify(token, JWS_TYPE, "eventTime")
        except jwt.InvalidTokenError as error:
            verdict.rows.append((f"#{position}", "?", False, f"signature does not hold: {error}"))
            payloads.append(_unverified(token))
            continue
        payloads.append(payload)
        verdict.rows.append((payload.get("evidenceId", f"#{position}"), payload.get("event", "?"), True,
                             "signature holds, its key endorsed by the KMS evidence key"))
    for finding in check_chain(payloads, jws_list):
        if not finding.ok:
            verdict.problems.append(f"chain at record {finding.sequence}: {finding.what}")
    head_claims = None
    if head:
        try:
            head_claims = keys.verify(head, HEAD_TYPE, "headTime")
        except jwt.InvalidTokenError as error:
            verdict.problems.append(f"the chain's signed head does not hold: {error}")
    if head_claims is not None or not head:
        if (wrong := check_head(head_claims, payloads, jws_list)) is not None:
            verdict.problems.append(wrong)
        elif head_claims is not None:
            verdict.rows.append(("head", "chain head", True, f"signed: {head_claims['count']} records, none dropped"))
    announced = {d["digestValue"]: d["fileName"] for p in payloads for d in p.get("documents", [])}
    for path in documents:
        if _digest(path) in announced:
            verdict.rows.append((path.name, "document", True, f"matches {announced[_digest(path)]}"))
        else:
            verdict.rows.append((path.name, "document", False, "its SHA-256 is in no evidence record"))
    if len({p.get("messageId") for p in payloads}) > 1:
        verdict.problems.append("the records are of more than one message")
    return verdict


def check_archive(jws: str, archive: dict[str, Any], tsa_certificate: bytes | None) -> tuple[str, str, bool, str]:
    """A record's place in the Object Lock archive: its line of a batch object, whose digest list the batch's
    time-stamp token covers, or (archived before batches) an object of its own, the token over the JWS."""
    from ebox.adapters.timestamping import TimestampNotTrusted, token_info, verify_token
    from ebox.domain.evidence import record_hash

    name, where = _unverified(jws).get("evidenceId", "?"), str(archive.get("object"))
    data = jws.encode("ascii")
    if "line" in archive:
        digests, line = list(archive.get("digests") or []), int(archive["line"])
        if not 0 < line <= len(digests) or digests[line - 1] != record_hash(jws):
            return name, "archive", False, f"not at line {line} of {where}"
        data, where = "".join(f"{d}\n" for d in digests).encode("ascii"), f"line {line} of {where}"
    token = base64.b64decode(archive["timeStampToken"]) if archive.get("timeStampToken") else None
    if token is None:
        return name, "archive", True, f"archived as {where} (no time stamp)"
    try:
        if tsa_certificate is not None:
            when = verify_token(token, data, tsa_certificate)
            return name, "archive", True, f"{where}, time-stamped {when:%Y-%m-%d %H:%M:%S} UTC by the trusted TSA"
        if token_info(token)["messageImprint"] != hashlib.sha256(data).hexdigest():
            return name, "archive", False, f"the time stamp of {where} covers something else"
    except TimestampNotTrusted as error:
        return name, "archive", False, f"the time stamp of {where} does not hold: {error}"
    return name, "archive", True, f"{where}, time stamp covers it (give --tsa-certificate to check its signer)"
