"""A tiny e-Box API on 127.0.0.1 (http.server in a thread) that records what the CLI sends, checks it
like the real API would, and answers in the API's shapes."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.cli.fake_downloads import DOWNLOADS, PACKAGES, FakeDownloads
from tests.cli.fake_downloads import serve as serve_download

CLIENTS = {"demo-sender": "demo-sender-secret", "ent-0852093431": "demo-secret"}
EBOX = "/messageRegistry/v2/ebox"
PUBLISH = "/messageRegistry/v3/ebox/messages"
ADMINISTRATION = "/messageRegistry/v3/ebox/"


def b64url_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


@dataclass
class Part:
    name: str
    file_name: str | None
    content_type: str
    data: bytes


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    parts: list[Part] = field(default_factory=list)


@dataclass
class StoredMessage:
    view: dict[str, Any]
    body: dict[str, str] | None = None
    contents: dict[str, bytes] = field(default_factory=dict)  # attachmentId -> bytes served


@dataclass
class FakeApi:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    mail: Any = field(default_factory=list)
    publish_code: str | None = None
    repr_digest: bool = True
    repr_digest_of: bytes | None = None  # announce the digest of other bytes than those served
    errors: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    partitions: list[dict[str, Any]] = field(default_factory=lambda: [{"partitionId": "GENERAL", "name": "General"}])
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    downloads: FakeDownloads = field(default_factory=FakeDownloads)

    def answer(self, method: str, path: str, status: int, body: Any) -> None:
        """Answer `method path` with this status and body (JSON, or bytes sent as text/html) from now on."""
        self.errors[(method, path)] = (status, body)

    def calls(self, method: str, path_prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def add_message(self, message_id: str, *, subject: dict[str, str], documents: dict[str, bytes] | None = None,
                    body: dict[str, str] | None = None, read: bool = False,
                    receipt_date: str = "2026-03-01T09:30:00Z") -> StoredMessage:
        documents = documents or {}
        items = [{
            "attachmentId": f"att{index}", "fileName": name, "mediaType": "application/pdf",
            "size": round(len(data) / 1024, 3), "mainContent": index == 1,
            "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(data)},
            "contentHref": f"{EBOX}/messages/{message_id}/attachments/att{index}/content",
        } for index, (name, data) in enumerate(documents.items(), start=1)]
        view = {
            "messageId": message_id, "subject": subject, "receiptDate": receipt_date,
            "expirationDate": "2027-03-01T09:30:00Z", "readStatus": read, "visible": True, "registeredMail": False,
            "messageTypeId": "demo-notice", "senderOrganizationId": "0406798006",
            "senderApplicationId": "demo-app", "bodyMainContent": not documents,
            "attachments": {"items": items, "totalItems": len(items)},
        }
        stored = StoredMessage(view, body, {f"att{i}": data for i, data in enumerate(documents.values(), start=1)})
        self.messages[message_id] = stored
        return stored


def status_message(status: int, code: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"id": "status-1", "code": code, "message": message, "environment": "test"}


def multipart_parts(content_type: str, body: bytes) -> list[Part]:
    parsed = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=HTTP)
    assert parsed.is_multipart(), "not multipart"
    parts = []
    for part in parsed.iter_parts():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True)
        parts.append(Part(str(part.get_param("name", header="content-disposition")), part.get_filename(),
                          part.get_content_type(), payload if isinstance(payload, bytes) else b""))
    return parts


class Handler(BaseHTTPRequestHandler):
    api: FakeApi

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        recorded = Recorded(method, url.path, parse_qs(url.query), dict(self.headers.items()),
                            self.rfile.read(length))
        with self.api.lock:
            self.api.requests.append(recorded)
        if (method, url.path) in self.api.errors:
            self._json(*self.api.errors[(method, url.path)])
            return
        if url.path.startswith(PACKAGES) or (url.path.startswith(DOWNLOADS) and self._bearer() is not None):
            serve_download(self, method, url.path, recorded.body)
        elif url.path == "/oauth/token" and method == "POST":
            self._token(recorded)
        elif url.path == "/local/mail" and method == "GET":
            self._json(200, self.api.mail)
        elif self._bearer() is None:
            self._json(*status_message(401, "UNAUTHORIZED", "a Bearer token is required"))
        elif url.path.rstrip("/") == PUBLISH and method == "POST":
            self._publish(recorded)
        elif url.path.startswith(PUBLISH + "/"):
            self._answer_message(recorded)
        elif url.path.startswith(EBOX) and method == "GET":
            self._consult(recorded)
        elif url.path.startswith(ADMINISTRATION) and not url.path.startswith(PUBLISH):
            self._administer(recorded)
        else:
            self._json(*status_message(404, "NOT_FOUND", f"no route {method} {url.path}"))

    def _bearer(self) -> str | None:
        value = self.headers.get("Authorization") or ""
        token = value.removeprefix("Bearer ")
        return token.removeprefix("tok-") if token.startswith("tok-") and token[4:] in CLIENTS else None

    def _token(self, recorded: Recorded) -> None:
        form = {k: v[0] for k, v in parse_qs(recorded.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            self._json(400, {"error": "unsupported_grant_type", "error_description": "client_credentials only"})
        elif CLIENTS.get(form.get("client_id", "")) != form.get("client_secret"):
            self._json(401, {"error": "invalid_client", "error_description": "unknown client or wrong secret"})
        else:
            self._json(200, {"access_token": f"tok-{form['client_id']}", "token_type": "Bearer", "expires_in": 900,
                             "scope": form.get("scope", "ebox")})

    def _publish(self, recorded: Recorded, **extra: str) -> None:
        recorded.parts = multipart_parts(self.headers.get("Content-Type", ""), recorded.body)
        by_name = {part.name: part for part in recorded.parts}
        meta_part = by_name.get("messageToPublish")
        if meta_part is None or meta_part.content_type != "application/json":
            self._json(*status_message(400, "INVALID_INPUT", "messageToPublish (application/json) is required"))
            return
        meta = json.loads(meta_part.data)
        for attachment in meta.get("attachments", []):
            part = by_name.get(attachment["httpPartName"])
            if part is None:
                self._json(*status_message(400, "INVALID_INPUT", f"no part {attachment['httpPartName']}"))
                return
            if b64url_sha256(part.data) != attachment["digest"]["digestValue"]:
                self._json(*status_message(400, "DIGEST_DO_NOT_MATCH", f"{part.name} fails its digest"))
                return
        answer: dict[str, Any] = {"messageId": "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                                  "expirationDate": "2027-03-01T09:30:00Z", **extra}
        if self.api.publish_code:
            answer["code"] = self.api.publish_code
        self._json(201, answer)

    def _answer_message(self, recorded: Recorded) -> None:
        """`POST …/messages/{id}/replies` (checked as a publication) and `PUT …/messages/{id}/action`."""
        message_id, _, what = recorded.path.removeprefix(PUBLISH + "/").partition("/")
        stored = self.api.messages.get(message_id)
        if stored is None:
            self._json(*status_message(404, "NOT_FOUND", f"message {message_id} is not in this e-Box"))
        elif what == "replies" and recorded.method == "POST":
            if not stored.view.get("replyAuthorized"):
                self._json(*status_message(403, "REPLY_NOT_AUTHORIZED", f"message {message_id} does not allow "
                                                                        "replies"))
                return
            self._publish(recorded, originalMessageId=message_id)
        elif what == "action" and recorded.method == "PUT" and stored.view.get("action"):
            if json.loads(recorded.body) != {"status": "DONE"}:
                self._json(*status_message(400, "INVALID_INPUT", 'the body is {"status": "DONE"}'))
                return
            action = stored.view["action"]
            action.setdefault("doneAt", "2026-03-02T10:00:00Z")
            action.update(status="DONE", overdue=False)
            self._json(200, {"messageId": message_id, **action})
        else:
            self._json(*status_message(404, "NOT_FOUND", f"no route {recorded.method} {recorded.path}"))

    def _consult(self, recorded: Recorded) -> None:
        segments = recorded.path.removeprefix(EBOX).strip("/").split("/")
        messages = self.api.messages
        if segments == [""]:
            unread = sum(not m.view["readStatus"] for m in messages.values())
            self._json(200, {"numberOfMessages": len(messages), "numberOfUnreadMessages": unread, "eboxSize": 12.5})
            return
        if segments == ["messages"]:
            page = int(recorded.query.get("page", ["1"])[0])
            size = int(recorded.query.get("pageSize", ["25"])[0])
            newest = sorted(messages.values(), key=lambda m: m.view["receiptDate"], reverse=True)
            self._json(200, {"items": [m.view for m in newest[(page - 1) * size:page * size]],
                             "totalItems": len(messages)})
            return
        stored = messages.get(segments[1]) if len(segments) > 1 else None
        if stored is None:
            self._json(*status_message(404, "NOT_FOUND", f"message {segments[-1]} not found"))
        elif len(segments) == 2:
            self._json(200, stored.view)
        elif segments[2:] == ["body"]:
            if stored.body is None:
                self._json(*status_message(404, "NOT_FOUND", "this message has no body"))
            else:
                stored.view["readStatus"] = stored.view["readStatus"] or stored.view["bodyMainContent"]
                self._json(200, stored.body)
        elif len(segments) == 5 and segments[2] == "attachments" and segments[4] == "content":
            self._content(stored, segments[3])
        else:
            self._json(*status_message(404, "NOT_FOUND", "no such resource"))

    def _administer(self, recorded: Recorded) -> None:
        """Partitions, users and routing rules, kept as sent (the real checks are the API's own tests)."""
        resource = recorded.path.removeprefix(ADMINISTRATION)
        body = json.loads(recorded.body) if recorded.body else None
        if resource == "partitions" and recorded.method == "POST":
            self.api.partitions.append(body)
            self._json(201, body)
        elif resource.startswith("users/") and recorded.method == "PUT":
            self.api.users[resource.removeprefix("users/")] = {"ssin": resource.removeprefix("users/"), **body}
            self._json(200, self.api.users[resource.removeprefix("users/")])
        elif resource == "routingRules" and recorded.method == "PUT":
            self.api.rules = sorted(body["items"], key=lambda r: r["priority"])
            self._json(200, {"items": self.api.rules, "totalItems": len(self.api.rules)})
        elif recorded.method == "GET" and resource in ("partitions", "users", "routingRules"):
            items = {"partitions": self.api.partitions, "users": list(self.api.users.values()),
                     "routingRules": self.api.rules}[resource]
            self._json(200, {"items": items, "totalItems": len(items)})
        else:
            self._json(*status_message(404, "NOT_FOUND", f"no route {recorded.method} {recorded.path}"))

    def _content(self, stored: StoredMessage, attachment_id: str) -> None:
        data = stored.contents.get(attachment_id)
        if data is None:
            self._json(*status_message(404, "NOT_FOUND", f"attachment {attachment_id} not found"))
            return
        accept = self.headers.get("Accept") or ""
        if "*/*" not in accept and "application/pdf" not in accept:  # as Chalice answers behind API Gateway
            self._json(400, {"Code": "BadRequest", "Message": "Request did not specify an Accept header with "
                                                              "application/pdf"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(data)))
        if self.api.repr_digest:
            announced = data if self.api.repr_digest_of is None else self.api.repr_digest_of
            standard = base64.b64encode(hashlib.sha256(announced).digest()).decode()
            self.send_header("Repr-Digest", f"sha-256=:{standard}:")
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, body: Any) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if isinstance(body, bytes) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start(api: FakeApi) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-ebox-api",
                     daemon=True).start()
    return server
