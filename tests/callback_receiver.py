"""A sender's callback endpoint for the tests: a local HTTP server that verifies each request's RFC 9421
signature (with the JWKS the platform publishes) and its Content-Digest, answers the verification
challenge, and can be taken down (503) to play an outage."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from ebox.domain.encoding import b64url_decode
from http_message_signatures import HTTPMessageVerifier, InvalidSignature, MappingKeyResolver, algorithms
from requests.structures import CaseInsensitiveDict

TAG = "ebox-callback"


@dataclass
class SignedRequest:
    method: str
    url: str
    headers: CaseInsensitiveDict[str]


def public_keys(jwks: dict[str, Any]) -> dict[str, ec.EllipticCurvePublicKey]:
    return {key["kid"]: ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(key["x"]), "big"),
                                                      int.from_bytes(b64url_decode(key["y"]), "big"),
                                                      ec.SECP256R1()).public_key()
            for key in jwks["keys"] if key.get("kty") == "EC"}


def verify_callback(method: str, url: str, headers: dict[str, str], body: bytes, jwks: dict[str, Any]) -> Any:
    """What a sender does before trusting a callback: the signature (tag, covered components, age) and the
    body's digest; returns the CloudEvent. Raises InvalidSignature."""
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ECDSA_P256_SHA256,
                                   key_resolver=MappingKeyResolver(public_keys=public_keys(jwks), private_keys={}))
    verifier.verify(SignedRequest(method, url, CaseInsensitiveDict(headers)), expect_tag=TAG, body=body,
                    require_components=("@method", "@target-uri", "content-type", "content-digest"))
    return json.loads(body)


@dataclass
class Receiver:
    url: str
    jwks: Callable[[], dict[str, Any]]
    received: list[dict[str, Any]] = field(default_factory=list)  # verified CloudEvents, in order
    keyids: list[str] = field(default_factory=list)  # the keyid of each verified request, in order
    refused: list[str] = field(default_factory=list)  # why requests were refused (bad signature, outage)
    down: bool = False
    echo_challenge: bool = True
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Waits until ``count`` events were received (a condition, not a sleep)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), self.received
        return self.received


@contextmanager
def running_receiver(jwks: Callable[[], dict[str, Any]], path: str = "/ebox/callbacks") -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.down:
                receiver.refused.append("down")
                self._answer(503, b'{"error": "maintenance"}')
                return
            try:
                event = verify_callback("POST", f"http://{self.headers['Host']}{self.path}", dict(self.headers),
                                        body, receiver.jwks())
            except InvalidSignature as error:
                receiver.refused.append(f"signature: {error}")
                self._answer(401, b"{}")
                return
            keyid = re.search(r'keyid="([^"]+)"', self.headers.get("Signature-Input", ""))
            receiver.keyids.append(keyid.group(1) if keyid else "")
            if event["type"] == "be.ebox.callback.verification":
                challenge = event["data"]["challenge"] if receiver.echo_challenge else "no"
                self._answer(200, json.dumps({"challenge": challenge}).encode())
                return
            with receiver.arrived:
                receiver.received.append(event)
                receiver.arrived.notify_all()
            self._answer(204, b"")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}{path}", jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
