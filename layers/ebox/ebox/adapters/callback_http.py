"""Callback requests over HTTP(S): a CloudEvent in the structured JSON mode, signed with HTTP Message
Signatures (RFC 9421, ``ecdsa-p256-sha256``) by the current callback key (decision 0011; rotated, decision
0014), whose public half senders fetch at ``/.well-known/ebox-callback-keys`` with the keys it replaced. The
signature covers the method, the target URI, the content type and the ``Content-Digest`` (RFC 9530) of the
body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import urllib3
from http_message_signatures import HTTPMessageSigner, algorithms

from ebox.domain.errors import CallbackUnreachable
from ebox.domain.sender_ports import CallbackAnswer

CONTENT_TYPE = "application/cloudevents+json"
SIGNATURE_LABEL = "ebox"
SIGNATURE_TAG = "ebox-callback"  # senders check it: a signature made for another purpose is refused
COVERED = ("@method", "@target-uri", "content-type")  # + content-digest, added for the body
SIGNATURE_SECONDS = 300
MAX_ANSWER_BYTES = 4096


class RawSigner(Protocol):
    """A P-256 key that signs bytes (r || s); KmsEs256Signer in AWS, an in-memory key in tests."""

    def jwk(self) -> dict[str, str]: ...

    def sign_bytes(self, data: bytes) -> bytes: ...


class SigningKeys(Protocol):
    """The key that signs now and the key set senders verify with (ebox.adapters.callback_keys)."""

    def active(self) -> RawSigner: ...

    def published(self) -> list[dict[str, str]]: ...


class OneKey:
    """A key ring of one key that never rotates (tests, tools)."""

    def __init__(self, key: RawSigner) -> None:
        self._key = key

    def active(self) -> RawSigner:
        return self._key

    def published(self) -> list[dict[str, str]]:
        return [self._key.jwk()]


@dataclass
class OutgoingRequest:
    """What the signature library reads and writes: the method, the URL, the (mutable) header fields."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class CallbackRequestSigner:
    def __init__(self, keys: SigningKeys) -> None:
        self._keys = keys

    def key_set(self) -> dict[str, Any]:
        """The JWKS (RFC 7517) senders verify callbacks with: the signing key first, then those a rotation
        replaced, until their grace period ends; ``kid`` is the signature's ``keyid``."""
        return {"keys": [{**jwk, "alg": "ES256", "use": "sig"} for jwk in self._keys.published()]}

    def sign(self, request: Any, body: bytes, *, now: datetime | None = None) -> None:
        """Adds Content-Digest, Signature-Input and Signature to ``request`` (method, url, headers)."""
        created = now or datetime.now(UTC)
        key = self._keys.active()
        signer = HTTPMessageSigner(signature_algorithm=algorithms.ECDSA_P256_SHA256)
        prepared = signer.prepare(request, key_id=key.jwk()["kid"], created=created,
                                  expires=created + timedelta(seconds=SIGNATURE_SECONDS), label=SIGNATURE_LABEL,
                                  tag=SIGNATURE_TAG, covered_component_ids=COVERED, body=body)
        signer.apply(request, prepared, key.sign_bytes(prepared.signature_base))


class HttpCallbackTransport:
    """POSTs signed CloudEvents with urllib3 (already in every Lambda through botocore); never follows a
    redirect (the verified URL is the only destination) and reads at most 4 KB of an answer."""

    def __init__(self, signer: CallbackRequestSigner, *, pool: urllib3.PoolManager | None = None,
                 timeout: float = 10.0) -> None:
        self._signer = signer
        self._pool = pool
        self._timeout = timeout

    @property
    def pool(self) -> urllib3.PoolManager:
        if self._pool is None:
            self._pool = urllib3.PoolManager(retries=False)
        return self._pool

    def deliver(self, url: str, event: dict[str, Any]) -> CallbackAnswer:
        body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
        request = OutgoingRequest("POST", url, {"Content-Type": CONTENT_TYPE, "User-Agent": "ebox-callbacks/1",
                                                "Content-Length": str(len(body))})
        self._signer.sign(request, body)
        try:
            answer = self.pool.request("POST", url, body=body, headers=request.headers, redirect=False,
                                       retries=False, preload_content=False,
                                       timeout=urllib3.Timeout(connect=self._timeout, read=self._timeout))
        except urllib3.exceptions.HTTPError as error:
            raise CallbackUnreachable(f"{type(error).__name__} ({str(error)[:200]})") from error
        try:
            return CallbackAnswer(answer.status, answer.read(MAX_ANSWER_BYTES))
        finally:
            answer.release_conn()
