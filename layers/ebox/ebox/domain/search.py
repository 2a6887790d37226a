"""Text search over an e-Box: what a message is found by, normalised so that case and accents do not
matter ("Société" is found by "societe"). Computed once at publication and stored with the message."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ebox.domain.errors import InvalidInput
from ebox.domain.message import LANGUAGES, Message, TranslatedString

MAX_QUERY_LENGTH = 100


def normalise(text: str) -> str:
    """Lower case, accents removed, runs of white space made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_texts(message: Message, reference_names: Iterable[TranslatedString | None], *,
                 sealed: bool = False) -> dict[str, str]:
    """Per language: the message's subject, body, business data and document titles, and the names of
    its sender organisation, application and message type. Text with no language counts in each.

    ``sealed``: only what the recipient of qualified mail sees before accepting it (sender, subject,
    type), so that a search cannot reveal the withheld body, documents or business data."""
    names = [n for n in reference_names if n]
    shared = [message.message_id, message.sender_organization_id, message.sender_application_id,
              message.message_type_id]
    if not sealed:
        shared.extend(a.file_name for a in message.attachments)
    texts = {}
    for lang in LANGUAGES:
        parts = [*shared]
        translated: list[TranslatedString | None] = [message.subject, *names]
        if not sealed:
            translated.extend([message.body, *(a.title for a in message.attachments)])
            for item in message.business_data:
                parts.append(str(item.get("key", "")))
                translated.extend(v for v in item.get("values", []) if isinstance(v, dict))
        parts.extend(t[lang] for t in translated if t and isinstance(t.get(lang), str))
        texts[lang] = normalise(" ".join(parts))
    return texts


def search_query(q: str | None, qlang: str | None) -> tuple[str, str | None] | None:
    """The normalised query and its language (None: any of nl, fr, de), or None without ``q``."""
    if q is None:
        if qlang is not None:
            raise InvalidInput("qlang only goes with q")
        return None
    text = normalise(q)
    if not text or len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"q is 1 to {MAX_QUERY_LENGTH} characters")
    if qlang is not None and qlang not in LANGUAGES:
        raise InvalidInput(f"qlang is one of {', '.join(LANGUAGES)}")
    return text, qlang
