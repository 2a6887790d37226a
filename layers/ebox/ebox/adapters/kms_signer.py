"""ES256 signatures made by a KMS asymmetric key (ECC_NIST_P256): the private key never leaves KMS."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ebox.adapters.aws_errors import call
from ebox.domain.encoding import b64url_encode


class KmsEs256Signer:
    def __init__(self, kms_client: Any, *, key_id: str) -> None:
        self._kms = kms_client
        self._key_id = key_id
        self._jwk: dict[str, str] | None = None

    def jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 7517), ``kid`` being the KMS key id."""
        if self._jwk is None:
            response = call(self._kms, "get_public_key", failure="could not read the signing key", KeyId=self._key_id)
            key = serialization.load_der_public_key(response["PublicKey"])
            if not isinstance(key, ec.EllipticCurvePublicKey):
                raise RuntimeError("the token signing key is not an elliptic-curve key")
            numbers = key.public_numbers()
            self._jwk = {
                "kty": "EC",
                "crv": "P-256",
                "x": b64url_encode(numbers.x.to_bytes(32, "big")),
                "y": b64url_encode(numbers.y.to_bytes(32, "big")),
                "use": "sig",
                "alg": "ES256",
                "kid": str(response["KeyId"]).rsplit("/", 1)[-1],
            }
        return self._jwk

    @property
    def key_id(self) -> str:
        return self.jwk()["kid"]

    def sign_jws(self, payload: dict[str, Any], *, typ: str = "JWT") -> str:
        """A compact JWS (RFC 7515) of ``payload`` signed with ES256."""
        header = {"alg": "ES256", "typ": typ, "kid": self.jwk()["kid"]}
        signing_input = f"{b64url_encode(json.dumps(header, separators=(',', ':')).encode())}." + b64url_encode(
            json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        )
        return f"{signing_input}.{b64url_encode(self.sign_bytes(signing_input.encode('ascii')))}"

    def sign_bytes(self, data: bytes) -> bytes:
        """An ECDSA P-256 SHA-256 signature of ``data``: ``r || s``, 32 bytes each (JWS and RFC 9421 alike)."""
        response = call(self._kms, "sign", failure="KMS could not sign", KeyId=self._key_id, Message=data,
                        MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")
        r, s = decode_dss_signature(response["Signature"])
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
