"""The e-mails the local stack "sent", newest first, for `GET /local/mail` (and `ebox mail`), in one shape
whichever emulator sent them (`body` the plain text, or the HTML when there is none; a MIME message's
parts also as `text` and `html`):

- moto keeps every one in memory without a time: `install_capture` makes its backend's list stamp each
  one as it is sent and keep the newest KEPT_MAIL (a bulk run of 100,000 lines sends as many e-mails, a
  few kB each); `captured_mail` lists them;
- LocalStack keeps them, stamped, behind its `/_aws/ses` endpoint: `localstack_mail` lists them and
  `forget_localstack_mail` empties it."""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
from datetime import UTC, datetime
from typing import Any

import requests
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

KEPT_MAIL = 1000  # the newest e-mails moto keeps for `GET /local/mail`, as a local mail catcher does
_SENT_AT = "_ebox_local_sent_at"
_DESCRIBED = "_ebox_local_described"


class _StampedMessages(list[Any]):
    """moto's `sent_messages`, stamping each message with the time it was appended (sent), the newest
    KEPT_MAIL of them."""

    def append(self, message: Any) -> None:
        setattr(message, _SENT_AT, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        super().append(message)
        del self[:-KEPT_MAIL]


def install_capture(region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    backend = ses_backends[account_id][region]
    if not isinstance(backend.sent_messages, _StampedMessages):
        backend.sent_messages = _StampedMessages(backend.sent_messages)


def captured_mail(region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> list[dict[str, Any]]:
    if account_id not in ses_backends or region not in ses_backends[account_id]:
        return []
    return [describe(m) for m in reversed(list(ses_backends[account_id][region].sent_messages))]


def forget_captured_mail(region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Empties moto's list of sent e-mails (what `localstack_mail` forgets on LocalStack)."""
    if account_id in ses_backends and region in ses_backends[account_id]:
        del ses_backends[account_id][region].sent_messages[:]


LOCALSTACK_MAIL_PATH = "/_aws/ses"


def localstack_mail(endpoint: str, region: str | None = None) -> list[dict[str, Any]]:
    answer = requests.get(f"{endpoint}{LOCALSTACK_MAIL_PATH}", timeout=10)
    answer.raise_for_status()
    messages = [m for m in answer.json().get("messages", []) if region in (None, m.get("Region"))]
    described = [{
        "id": m.get("Id"), "timestamp": m.get("Timestamp"), "source": m.get("Source"),
        "destinations": _addresses(m.get("Destination") or {}) or _raw_destinations(m.get("RawData")),
        "subject": m.get("Subject") or _raw_subject(m.get("RawData")), **_localstack_body(m),
    } for m in messages]
    return described[::-1]  # LocalStack lists them in the order they were sent


def _localstack_body(message: dict[str, Any]) -> dict[str, str]:
    body = message.get("Body") or {}
    if message.get("RawData"):
        return _parts(str(message["RawData"]))
    text, html = str(body.get("text_part") or ""), str(body.get("html_part") or "")
    return {"body": text or html, "text": text, "html": html}


def _parts(raw: str | email.message.EmailMessage) -> dict[str, str]:
    """A raw MIME message's plain text (``body``, as for a simple e-mail; ``text`` too) and HTML (``raw``
    the message, or already parsed)."""
    parsed: Any = email.message_from_string(raw, policy=email.policy.default) if isinstance(raw, str) else raw
    found = {}
    for kind in ("plain", "html"):
        part = parsed.get_body(preferencelist=(kind,))
        found[kind] = part.get_content() if part is not None else ""
    return {"body": found["plain"] or found["html"], "text": found["plain"], "html": found["html"]}


def _raw_destinations(raw: str | None) -> list[str]:
    """A raw message's recipients, from its headers (LocalStack keeps no Destinations for SendRawEmail)."""
    if not raw:
        return []
    parsed = email.message_from_string(raw, policy=email.policy.default)
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in parsed.get_all(name, [])]
    return list(dict.fromkeys(address for _, address in email.utils.getaddresses(fields) if address))


def _raw_subject(raw: str | None) -> str:
    return str(email.message_from_string(raw, policy=email.policy.default).get("Subject", "")) if raw else ""


def forget_localstack_mail(endpoint: str) -> None:
    requests.delete(f"{endpoint}{LOCALSTACK_MAIL_PATH}", timeout=10).raise_for_status()


def describe(message: Any) -> dict[str, Any]:
    """One moto message (simple, raw or templated) as plain JSON. A sent message does not change: it is
    described (its MIME parsed) once, and kept on the message; each caller gets its own copy."""
    described = getattr(message, _DESCRIBED, None)
    if described is None:
        described = _described(message)
        setattr(message, _DESCRIBED, described)
    return {key: list(value) if isinstance(value, list) else value for key, value in described.items()}


def _described(message: Any) -> dict[str, Any]:
    described: dict[str, Any] = {"id": getattr(message, "id", None) or ",".join(getattr(message, "ids", [])),
                                 "timestamp": getattr(message, _SENT_AT, None), "source": message.source}
    if hasattr(message, "raw_data"):
        parsed: Any = email.message_from_string(message.raw_data, policy=email.policy.default)
        described |= {"destinations": _addresses(message.destinations), "subject": str(parsed.get("Subject", "")),
                      **_parts(parsed)}
    elif hasattr(message, "template"):
        described |= {"destinations": _addresses(message.destinations), "subject": f"(template {message.template})",
                      "body": str(message.template_data)}
    else:
        described |= {"destinations": _addresses(message.destinations), "subject": message.subject,
                      "body": message.body}
    return described


def _addresses(destinations: Any) -> list[str]:
    """Every recipient once (moto lists a raw message's To: header and its Destinations both)."""
    if isinstance(destinations, dict):
        found = [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(key, [])]
    elif isinstance(destinations, list):
        found = [a for d in destinations for a in (_addresses(d) if isinstance(d, dict) else [str(d)])]
    else:
        found = [str(destinations)]
    return list(dict.fromkeys(found))
