"""`ebox evidence verify`: checks a message's evidence records without trusting the service —
each signature against the published keys (JWKS), the chain of records, and the documents' digests."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from ebox.domain.evidence import JWS_TYPE, check_chain


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


def verify_records(jws_list: list[str], jwks: dict[str, Any], documents: list[Path]) -> Verdict:
    verdict = Verdict()
    keys = {k.get("kid"): jwt.PyJWK(k) for k in jwks.get("keys", [])}
    payloads: list[dict[str, Any]] = []
    for position, token in enumerate(jws_list, start=1):
        try:
            header = jwt.get_unverified_header(token)
            key = keys.get(header.get("kid"))
            if key is None:
                raise jwt.InvalidTokenError(f"signed with key {header.get('kid')!r}, which the JWKS does not hold")
            if header.get("typ") != JWS_TYPE:
                raise jwt.InvalidTokenError(f"not an e-Box evidence record (typ {header.get('typ')!r})")
            payload = jwt.decode(token, key.key, algorithms=["ES256"], options={"verify_aud": False})
        except jwt.InvalidTokenError as error:
            verdict.rows.append((f"#{position}", "?", False, f"signature does not hold: {error}"))
            payloads.append(_unverified(token))
            continue
        payloads.append(payload)
        verdict.rows.append((payload.get("evidenceId", f"#{position}"), payload.get("event", "?"), True,
                             "signature holds"))
    for finding in check_chain(payloads, jws_list):
        if not finding.ok:
            verdict.problems.append(f"chain at record {finding.sequence}: {finding.what}")
    announced = {d["digestValue"]: d["fileName"] for p in payloads for d in p.get("documents", [])}
    for path in documents:
        if _digest(path) in announced:
            verdict.rows.append((path.name, "document", True, f"matches {announced[_digest(path)]}"))
        else:
            verdict.rows.append((path.name, "document", False, "its SHA-256 is in no evidence record"))
    if len({p.get("messageId") for p in payloads}) > 1:
        verdict.problems.append("the records are of more than one message")
    return verdict
