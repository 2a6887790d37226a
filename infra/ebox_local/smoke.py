"""The smoke test of a deployed e-Box (`ebox-local --smoke`, `make deploy-local`): through the API only, as
the demo sender and the demo enterprise, publish a message and consult it. Each step says what it
checked; the first that fails stops the run with what it got."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import requests

logger = logging.getLogger("ebox_local")
SENDER = ("demo-sender", "demo-sender-secret", "0406798006")
RECIPIENT = ("ent-0852093431", "demo-secret", "0852093431")
DOCUMENT = b"%PDF-1.4\n% e-Box smoke test\n" + uuid.uuid4().bytes.hex().encode() + b"\n%%EOF\n"
TIMEOUT = 30


class SmokeTestFailed(Exception):
    """A step of the smoke test did not get what a user would get."""


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _token(api: str, client_id: str, secret: str) -> str:
    answer = requests.post(f"{api}/oauth/token", timeout=TIMEOUT, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    _expect(answer, 200, f"a token for {client_id}")
    return str(answer.json()["access_token"])


def _expect(answer: requests.Response, status: int, what: str) -> None:
    if answer.status_code != status:
        raise SmokeTestFailed(f"{what}: HTTP {answer.status_code} {answer.text[:300]}")


def _publish(api: str, token: str, subject: str) -> str:
    message = {
        "sender": {"eboxType": "enterprise", "enterpriseNumber": SENDER[2]},
        "senderApplicationId": "demo-app", "messageTypeId": "demo-notice",
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": RECIPIENT[2]},
        "subject": {"fr": subject, "nl": subject},
        "attachments": [{"httpPartName": "upfile1", "isMainContent": True,
                         "digest": {"digestMethod": "sha_256", "digestValue": _digest(DOCUMENT)}}],
    }
    files: dict[str, tuple[str | None, bytes, str]] = {
             "messageToPublish": (None, json.dumps(message).encode(), "application/json"),
             "upfile1": ("smoke.pdf", DOCUMENT, "application/pdf")}
    answer = requests.post(f"{api}/messageRegistry/v3/ebox/messages", files=files, timeout=TIMEOUT,
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())})
    _expect(answer, 201, "the publication")
    return str(answer.json()["messageId"])


def run_smoke_test(api: str, say: Callable[[str], None] = logger.info) -> None:
    """Raises SmokeTestFailed at the first step that does not answer as it should."""
    subject = f"smoke test {uuid.uuid4().hex[:8]}"
    sender = _token(api, *SENDER[:2])
    message_id = _publish(api, sender, subject)
    say(f"smoke: published {message_id} as {SENDER[0]}")
    reader = _token(api, *RECIPIENT[:2])
    headers = {"Authorization": f"Bearer {reader}"}
    inbox = requests.get(f"{api}/messageRegistry/v2/ebox/messages", headers=headers, timeout=TIMEOUT)
    _expect(inbox, 200, "the inbox")
    items: list[dict[str, Any]] = inbox.json().get("items", [])
    found = next((m for m in items if m.get("messageId") == message_id), None)
    if found is None:
        raise SmokeTestFailed(f"the inbox of {RECIPIENT[2]} does not list {message_id}")
    say(f"smoke: {RECIPIENT[2]}'s inbox lists it")
    href = found["attachments"]["items"][0]["contentHref"]
    content = requests.get(f"{api}{href}", headers=headers, timeout=TIMEOUT)
    _expect(content, 200, "the document")
    if content.content != DOCUMENT:
        raise SmokeTestFailed(f"the document came back with another digest ({_digest(content.content)})")
    say("smoke: the document came back byte for byte")
    evidence = requests.get(f"{api}/messageRegistry/v3/ebox/messages/{message_id}/evidences", headers=headers,
                            timeout=TIMEOUT)
    _expect(evidence, 200, "the evidence")
    events = [item["event"] for item in evidence.json().get("items", [])]
    if "SubmissionAcceptance" not in events:
        raise SmokeTestFailed(f"the evidence lacks SubmissionAcceptance: {events}")
    say(f"smoke: signed evidence {events}")
