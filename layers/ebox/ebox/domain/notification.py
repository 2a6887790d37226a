"""The e-mail that tells an enterprise a new document waits in its e-Box (never the document)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.message import LANGUAGES


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str


def _pick(translated: dict[str, str] | None, fallback: str) -> str:
    if not translated:
        return fallback
    return next((translated[lang] for lang in LANGUAGES if translated.get(lang)), fallback)


def _all(translated: dict[str, str] | None, fallback: str) -> str:
    """Every translation once, nl / fr / de: an e-mail reaches people of any language."""
    if not translated:
        return fallback
    texts = [translated[lang] for lang in LANGUAGES if translated.get(lang)]
    return " / ".join(dict.fromkeys(texts)) or fallback


def new_document_email(
    *, to: str, detail: dict[str, Any], sender_name: dict[str, str] | None, enterprise_name: str
) -> Email:
    sender = _pick(sender_name, detail["senderOrganizationId"])
    subject = _all(detail.get("subject"), "(no subject)")
    text = (
        f"Nieuw document in uw e-Box / Nouveau document dans votre e-Box / Neues Dokument in Ihrer e-Box\n\n"
        f"{enterprise_name} ({detail['recipient']['enterpriseNumber']})\n"
        f"From / Van / De: {sender}\n"
        f"Subject / Onderwerp / Objet: {subject}\n"
        f"Received: {detail['receiptDate']} - available until {detail['expirationDate']}\n"
        f"Message id: {detail['messageId']}\n"
        + ("Registered mail: accept or refuse it in your e-Box before its window closes.\n"
           if detail.get("registeredMailType") == "qualified" else "")
        + "\n"
        "Consult it in your e-Box. This e-mail never contains the document itself.\n"
    )
    return Email(to=to, subject=f"e-Box: {sender} - {subject}"[:200], text=text)
