"""The e-mails that bring people back to their e-Box: a new document, a daily digest, a reminder of an
unread document, an alert before a document expires. They never contain the document itself.

Each is written in the recipient's language (nl, fr, de) or, without one, in the three."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.limits import one_line
from ebox.domain.message import LANGUAGES, Message
from ebox.domain.recipients import ebox_id_of, event_recipient

_HEADLINES: dict[str, dict[str, str]] = {
    "new": {"nl": "Nieuw document in uw e-Box", "fr": "Nouveau document dans votre e-Box",
            "de": "Neues Dokument in Ihrer e-Box"},
    "reminder": {"nl": "Herinnering: ongelezen document in uw e-Box",
                 "fr": "Rappel : document non lu dans votre e-Box",
                 "de": "Erinnerung: ungelesenes Dokument in Ihrer e-Box"},
    "expiry": {"nl": "Dit document verdwijnt over 7 dagen uit uw e-Box",
               "fr": "Ce document quitte votre e-Box dans 7 jours",
               "de": "Dieses Dokument verschwindet in 7 Tagen aus Ihrer e-Box"},
    "digest": {"nl": "Uw nieuwe documenten in e-Box", "fr": "Vos nouveaux documents dans l'e-Box",
               "de": "Ihre neuen Dokumente in der e-Box"},
}


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str


def _languages(language: str | None) -> tuple[str, ...]:
    return (language,) if language in LANGUAGES else LANGUAGES


def _headline(kind: str, language: str | None) -> str:
    return " / ".join(_HEADLINES[kind][lang] for lang in _languages(language))


def _pick(translated: dict[str, str] | None, fallback: str, language: str | None = None) -> str:
    if not translated:
        return one_line(fallback)
    order = (*_languages(language), *LANGUAGES)
    return one_line(next((translated[lang] for lang in order if translated.get(lang)), fallback))


def _all(translated: dict[str, str] | None, fallback: str, language: str | None = None) -> str:
    """The recipient's language when the sender wrote it, else every translation once, nl / fr / de; always
    one line (a sender's string cannot add a line to the e-mail or a header to its subject)."""
    if not translated:
        return one_line(fallback)
    if language and translated.get(language):
        return one_line(translated[language])
    texts = [translated[lang] for lang in LANGUAGES if translated.get(lang)]
    return one_line(" / ".join(dict.fromkeys(texts)) or fallback)


def message_facts(message: Message) -> dict[str, Any]:
    """What the e-mails say of a message, in the shape of the MessagePublished event's detail."""
    return {"messageId": message.message_id, "recipient": event_recipient(message.recipient),
            "senderOrganizationId": message.sender_organization_id, "subject": message.subject,
            "receiptDate": message.receipt_date, "expirationDate": message.expiration_date,
            "registeredMailType": message.registered_mail_type or "simple", "partition": message.partition}


def _about(detail: dict[str, Any], sender: str, subject: str) -> str:
    return (f"From / Van / De: {sender}\n"
            f"Subject / Onderwerp / Objet: {subject}\n"
            f"Received: {detail['receiptDate']} - available until {detail['expirationDate']}\n"
            f"Message id: {detail['messageId']}\n")


def message_email(*, kind: str, to: str, detail: dict[str, Any], sender_name: dict[str, str] | None,
                  enterprise_name: str, language: str | None = None) -> Email:
    """One message's e-mail: ``kind`` new, reminder or expiry."""
    sender = _pick(sender_name, detail["senderOrganizationId"], language)
    subject = _all(detail.get("subject"), "(no subject)", language)
    text = (
        f"{_headline(kind, language)}\n\n"
        f"{one_line(enterprise_name)} ({ebox_id_of(detail['recipient'])})\n"
        + _about(detail, sender, subject)
        + ("Registered mail: accept or refuse it in your e-Box before its window closes.\n"
           if kind == "new" and detail.get("registeredMailType") == "qualified" else "")
        + "\nConsult it in your e-Box. This e-mail never contains the document itself.\n"
    )
    prefix = {"new": "e-Box", "reminder": "e-Box reminder", "expiry": "e-Box expires in 7 days"}[kind]
    return Email(to=to, subject=f"{prefix}: {sender} - {subject}"[:200], text=text)


def new_document_email(*, to: str, detail: dict[str, Any], sender_name: dict[str, str] | None,
                       enterprise_name: str, language: str | None = None) -> Email:
    return message_email(kind="new", to=to, detail=detail, sender_name=sender_name,
                         enterprise_name=enterprise_name, language=language)


def digest_email(*, to: str, day: str, enterprise_number: str, enterprise_name: str,
                 messages: list[tuple[dict[str, Any], dict[str, str] | None]], language: str | None = None) -> Email:
    """One e-mail listing the messages received on ``day`` (each with its sender's names)."""
    lines = [f"{_headline('digest', language)} - {day}\n", f"{one_line(enterprise_name)} ({enterprise_number})",
             f"{len(messages)} new document(s):\n"]
    for detail, sender_name in messages:
        sender = _pick(sender_name, detail["senderOrganizationId"], language)
        subject = _all(detail.get("subject"), "(no subject)", language)
        lines.append(f"- {sender}: {subject}\n  received {detail['receiptDate']}, "
                     f"available until {detail['expirationDate']}, message id {detail['messageId']}")
    lines.append("\nConsult them in your e-Box. This e-mail never contains the documents themselves.")
    return Email(to=to, subject=f"e-Box digest {day}: {len(messages)} new document(s)", text="\n".join(lines) + "\n")
