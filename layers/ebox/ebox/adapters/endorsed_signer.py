"""ES256 evidence signatures without a KMS call per record (API and bulk publication alike).

KMS allows 300 ECC `Sign` calls per second per account by default: two per message would cap a
campaign near 150 messages/s (a million in 1.9 h). Instead each worker container makes its own P-256
key pair at its first signature (the private key lives only in that container's memory, for its
life) and has the KMS evidence key endorse the public key once: one `Sign` per container. The
endorsement (a JWS of typ `ebox-key-endorsement+jwt` by the KMS key, over the JWK) is stored with
the key, and `/evidence/keys` publishes the key beside the KMS key with its endorsement, so that any
record verifies against the JWKS by its `kid`, and the key's authority against the KMS key alone.

A key signs for at most `KEY_LIFETIME` (a day): at its first signature after that, the container makes
and endorses a new one. The endorsement says when the key was made (`iat`) and until when it may sign
(`exp`); a verifier accepts a record only if its key's endorsement holds against the KMS key and the
record's time falls inside that window. The kid names the key's day (`ek-<YYYYMMDD>-<thumbprint>`),
so that the directory serves the keys of the last days as the current list and every older key by kid
(docs/decisions/0010-publication-path.md).

(KMS `GenerateDataKeyPair` would hand out the same kind of plaintext private key plus an encrypted
copy, which a per-container key does not need; moto does not emulate it.)"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ebox.domain.encoding import b64url_encode

ENDORSEMENT_TYPE = "ebox-key-endorsement+jwt"
ENDORSEMENT_MEMBER = "ebox_endorsement"
KEY_LIFETIME = 24 * 3600
ROTATE_AFTER = 23 * 3600  # a new key an hour before the old one's endorsement runs out


class Endorser(Protocol):
    def sign_jws(self, payload: dict[str, Any], *, typ: str = "JWT") -> str: ...

    def jwk(self) -> dict[str, str]: ...


class KeyDirectory(Protocol):
    def publish_key(self, jwk: dict[str, str]) -> None: ...


def key_day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y%m%d")


class EndorsedKeySigner:
    def __init__(self, endorser: Endorser, directory: KeyDirectory, *, purpose: str = "evidence",
                 clock: Callable[[], float] = time.time) -> None:
        self._endorser = endorser
        self._directory = directory
        self._purpose = purpose
        self._clock = clock
        self._key: ec.EllipticCurvePrivateKey | None = None
        self._jwk: dict[str, str] | None = None
        self._made_at = 0.0

    def jwk(self) -> dict[str, str]:
        now = self._clock()
        if self._jwk is None or now - self._made_at >= ROTATE_AFTER:
            key = ec.generate_private_key(ec.SECP256R1())
            numbers = key.public_key().public_numbers()
            public = {"kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
                      "y": b64url_encode(numbers.y.to_bytes(32, "big"))}
            thumbprint = hashlib.sha256(json.dumps(public, sort_keys=True, separators=(",", ":")).encode()).digest()
            jwk = {**public, "use": "sig", "alg": "ES256",
                   "kid": f"ek-{key_day(now)}-{b64url_encode(thumbprint)[:22]}"}
            endorsement = self._endorser.sign_jws({"jwk": jwk, "endorsedBy": self._endorser.jwk()["kid"],
                                                   "iat": int(now), "exp": int(now) + KEY_LIFETIME,
                                                   "purpose": self._purpose},
                                                  typ=ENDORSEMENT_TYPE)
            published = {**jwk, ENDORSEMENT_MEMBER: endorsement}
            self._directory.publish_key(published)  # before any record names it
            self._key, self._jwk, self._made_at = key, published, now
        return self._jwk

    @property
    def key_id(self) -> str:
        return self.jwk()["kid"]

    def sign_jws(self, payload: dict[str, Any], *, typ: str = "JWT") -> str:
        header = {"alg": "ES256", "typ": typ, "kid": self.key_id}  # rotates the key when it is a day old
        signing_input = f"{b64url_encode(json.dumps(header, separators=(',', ':')).encode())}." + b64url_encode(
            json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
        assert self._key is not None
        r, s = decode_dss_signature(self._key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{b64url_encode(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

