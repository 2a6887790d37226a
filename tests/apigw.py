"""Drives the API's Lambda handler with API Gateway REST proxy events, as API Gateway would."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.events import sample
from tests.fakes import b64url_sha256, message_json

BOUNDARY = "ebox-test-boundary-7MA4YWxkTrZu0gW"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ApiCaller:
    """Calls the API's Lambda handler with API Gateway events. ``settle``, after each call that may write:
    waits until what the write set going through the outbox is done (LocalStack's stream pollers read the
    messages table a moment later: counters, reply links, announcements), as a client that reads its
    writes back would see them once the outbox has caught up."""

    def __init__(self, handler: Any, settle: Callable[[], None] | None = None) -> None:
        self._handler = handler
        self._settle = settle

    def call(self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"",
             query: dict[str, str] | None = None) -> Answer:
        headers = headers or {}
        event = sample("api-gateway-rest-proxy", path=path, httpMethod=method, headers=headers,
                       multiValueHeaders={k: [v] for k, v in headers.items()},
                       queryStringParameters=query or None,
                       multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
                       pathParameters={"proxy": path.lstrip("/")},
                       body=base64.b64encode(body).decode() if body else None, isBase64Encoded=bool(body))
        event["requestContext"] |= {"httpMethod": method, "path": f"/api{path}", "requestId": str(uuid.uuid4())}
        response = self._handler(event, None)
        if self._settle is not None and method != "GET":
            self._settle()
        raw = response.get("body") or ""
        data = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
        return Answer(response["statusCode"], {k.lower(): v for k, v in response.get("headers", {}).items()}, data)

    def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope:
            form["scope"] = scope
        answer = self.call("POST", "/oauth/token", headers={"Content-Type": "application/x-www-form-urlencoded"},
                           body=urlencode(form).encode())
        assert answer.status == 200, answer.body
        return str(answer.json()["access_token"])

    def publish(self, token: str, body: bytes, *, idempotency_key: str | None = None,
                path: str = "/messageRegistry/v3/ebox/messages") -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return self.call("POST", path, headers=headers, body=body)

    def get(self, token: str, path: str, query: dict[str, str] | None = None) -> Answer:
        return self.call("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "*/*"}, query=query)


def part(name: str, data: bytes, *, filename: str | None = None, content_type: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode() + b"\r\n" + data + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


PDF = b"%PDF-1.7\n" + b"demo document " * 200 + b"\n%%EOF\n"


def publication(pdf: bytes = PDF, *, metadata_last: bool = True, digest: str | None = None,
                **overrides: Any) -> bytes:
    """A v3 publication of one PDF (main content), its digest announced."""
    meta = message_json(attachments=[{"httpPartName": "upfile1", "isMainContent": True,
                                      "digest": {"digestMethod": "sha_256",
                                                 "digestValue": digest or b64url_sha256(pdf)}}], **overrides)
    meta_part = part("messageToPublish", json.dumps(meta).encode(), content_type="application/json")
    file_part = part("upfile1", pdf, filename="avis.pdf", content_type="application/pdf")
    return multipart(file_part, meta_part) if metadata_last else multipart(meta_part, file_part)
