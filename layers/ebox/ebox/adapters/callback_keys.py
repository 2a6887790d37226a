"""The keys that sign callbacks (decision 0014), in the registry table; the private half of each key a
rotation made is kept encrypted by the KMS key ``CallbackKeyWrappingKey`` (encryption context: its kid) and
decrypted once per container when it first signs. The stack's first key is the template's KMS key
``CallbackSigningKey``, which signs inside KMS until a rotation replaces it.

| item         | pk            | sk    | served access pattern                                       |
|--------------|---------------|-------|-------------------------------------------------------------|
| callback key | CALLBACK_KEYS | <kid> | Query: every key (a few a year), cached a minute per container |
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ebox.adapters.aws_errors import raise_classified
from ebox.adapters.kms_signer import KmsEs256Signer
from ebox.domain.callback_keys import CallbackKey, published, signing_key
from ebox.domain.encoding import b64url_encode

PARTITION = "CALLBACK_KEYS"
CACHE_SECONDS = 60.0  # another container's rotation is seen within a minute (senders fetch on an unknown keyid)
PURPOSE = "ebox-callback-signing"


class LocalP256Signer:
    """A P-256 key in this container's memory (a rotated key, once decrypted): signs ``r || s``."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, jwk: dict[str, str]) -> None:
        self._key = private_key
        self._jwk = jwk

    def jwk(self) -> dict[str, str]:
        return self._jwk

    def sign_bytes(self, data: bytes) -> bytes:
        r, s = decode_dss_signature(self._key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def public_jwk(key: ec.EllipticCurvePublicKey, created: datetime) -> dict[str, str]:
    """The public half as a JWK; its kid says when it was made and which key it is (an RFC 7638 thumbprint)."""
    numbers = key.public_numbers()
    x, y = b64url_encode(numbers.x.to_bytes(32, "big")), b64url_encode(numbers.y.to_bytes(32, "big"))
    thumbprint = hashlib.sha256(json.dumps({"crv": "P-256", "kty": "EC", "x": x, "y": y},
                                           separators=(",", ":")).encode()).digest()
    kid = f"cb-{created:%Y%m%d}-{b64url_encode(thumbprint)[:12]}"
    return {"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "alg": "ES256", "use": "sig"}


class DynamoCallbackKeys:
    """The key store (ebox.domain.ports.CallbackKeyStore) and the signer's key ring: the key that signs now
    (:meth:`active`) and the key set senders verify with (:meth:`published`)."""

    def __init__(self, dynamodb_client: Any, kms_client: Any, *, table: str, wrapping_key_id: str,
                 template_key: KmsEs256Signer, cache_seconds: float = CACHE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._db = dynamodb_client
        self._kms = kms_client
        self._table = table
        self._wrapping_key_id = wrapping_key_id
        self._template = template_key
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cached: tuple[float, list[CallbackKey]] | None = None
        self._signers: dict[str, LocalP256Signer] = {}

    # ---- the store

    def keys(self) -> list[CallbackKey]:
        if self._cached is not None and self._cached[0] > self._clock():
            return self._cached[1]
        try:
            pages = self._db.get_paginator("query").paginate(
                TableName=self._table, KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": PARTITION}}, ConsistentRead=True)
            keys = [_key(item) for page in pages for item in page["Items"]]
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        template = self._template.jwk()
        if all(k.kid != template["kid"] for k in keys):
            keys.append(CallbackKey(template["kid"], {**template, "alg": "ES256", "use": "sig"}, ""))
        self._cached = (self._clock() + self._cache_seconds, keys)
        return keys

    def new_key(self, now: datetime) -> CallbackKey:
        private = ec.generate_private_key(ec.SECP256R1())
        jwk = public_jwk(private.public_key(), now)
        der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        try:
            wrapped = self._kms.encrypt(KeyId=self._wrapping_key_id, Plaintext=der,
                                        EncryptionContext={"purpose": PURPOSE, "kid": jwk["kid"]})["CiphertextBlob"]
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        self._signers[jwk["kid"]] = LocalP256Signer(private, jwk)
        return CallbackKey(jwk["kid"], jwk, now.isoformat(timespec="seconds"), None, bytes(wrapped))

    def save(self, key: CallbackKey) -> None:
        item: dict[str, Any] = {"pk": {"S": PARTITION}, "sk": {"S": key.kid}, "jwk": {"S": json.dumps(key.jwk)},
                                "created_at": {"S": key.created_at}}
        if key.retires_at:
            item["retires_at"] = {"S": key.retires_at}
        if key.wrapped is not None:
            item["wrapped"] = {"B": key.wrapped}
        try:
            self._db.put_item(TableName=self._table, Item=item)
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        self._cached = None

    # ---- the signer's key ring

    def active(self) -> KmsEs256Signer | LocalP256Signer:
        key = signing_key(self.keys())
        if key is None or key.wrapped is None:
            return self._template
        return self._signer(key)

    def published(self) -> list[dict[str, str]]:
        return [k.jwk for k in published(self.keys(), datetime.now(UTC))]

    def _signer(self, key: CallbackKey) -> LocalP256Signer:
        signer = self._signers.get(key.kid)
        if signer is None:
            assert key.wrapped is not None
            try:
                der = self._kms.decrypt(CiphertextBlob=key.wrapped, KeyId=self._wrapping_key_id,
                                        EncryptionContext={"purpose": PURPOSE, "kid": key.kid})["Plaintext"]
            except (ClientError, BotoCoreError) as error:
                raise_classified(error)
            private = serialization.load_der_private_key(der, password=None)
            if not isinstance(private, ec.EllipticCurvePrivateKey):
                raise RuntimeError(f"callback key {key.kid} is not an elliptic-curve key")
            signer = self._signers[key.kid] = LocalP256Signer(private, key.jwk)
        return signer


def _key(item: dict[str, Any]) -> CallbackKey:
    return CallbackKey(item["sk"]["S"], json.loads(item["jwk"]["S"]), item.get("created_at", {}).get("S", ""),
                       item.get("retires_at", {}).get("S"), item.get("wrapped", {}).get("B"))
