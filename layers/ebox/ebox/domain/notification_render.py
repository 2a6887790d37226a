"""A notification e-mail's two forms from one outline: plain text, and accessible HTML (one language per
``<section lang>``, a heading, paragraphs, a definition list of the facts, lists of messages and a link
whose text says where it leads; no table, no image, no style it needs to be read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

PHRASES: dict[str, dict[str, str]] = {
    "from": {"nl": "Van", "fr": "De", "de": "Von"},
    "subject": {"nl": "Onderwerp", "fr": "Objet", "de": "Betreff"},
    "received": {"nl": "Ontvangen", "fr": "Reçu le", "de": "Empfangen"},
    "until": {"nl": "Beschikbaar tot", "fr": "Disponible jusqu'au", "de": "Verfügbar bis"},
    "messageId": {"nl": "Berichtnummer", "fr": "Identifiant du message", "de": "Nachrichtenkennung"},
    "item": {"nl": "ontvangen {received}, beschikbaar tot {until}, berichtnummer {id}",
             "fr": "reçu le {received}, disponible jusqu'au {until}, identifiant {id}",
             "de": "empfangen {received}, verfügbar bis {until}, Kennung {id}"},
    "qualified": {"nl": "Gekwalificeerde aangetekende zending: aanvaard of weiger ze in uw e-Box voordat de "
                        "termijn verstrijkt.",
                  "fr": "Envoi recommandé qualifié : acceptez-le ou refusez-le dans votre e-Box avant la fin "
                        "du délai.",
                  "de": "Qualifiziertes Einschreiben: Nehmen Sie es in Ihrer e-Box an oder lehnen Sie es ab, "
                        "bevor die Frist endet."},
    "consultOne": {"nl": "Raadpleeg het in uw e-Box. Deze e-mail bevat nooit het document zelf.",
                   "fr": "Consultez-le dans votre e-Box. Cet e-mail ne contient jamais le document lui-même.",
                   "de": "Sehen Sie es in Ihrer e-Box ein. Diese E-Mail enthält nie das Dokument selbst."},
    "consultMany": {"nl": "Raadpleeg ze in uw e-Box. Deze e-mail bevat nooit de documenten zelf.",
                    "fr": "Consultez-les dans votre e-Box. Cet e-mail ne contient jamais les documents eux-mêmes.",
                    "de": "Sehen Sie sie in Ihrer e-Box ein. Diese E-Mail enthält nie die Dokumente selbst."},
    "openMessage": {"nl": "Het bericht openen in uw e-Box", "fr": "Ouvrir le message dans votre e-Box",
                    "de": "Die Nachricht in Ihrer e-Box öffnen"},
    "openInbox": {"nl": "Uw e-Box-inbox openen", "fr": "Ouvrir votre boîte de réception e-Box",
                  "de": "Ihren e-Box-Posteingang öffnen"},
    "openUnread": {"nl": "Uw ongelezen documenten openen in e-Box", "fr": "Ouvrir vos documents non lus dans l'e-Box",
                   "de": "Ihre ungelesenen Dokumente in der e-Box öffnen"},
    "newCount": {"nl": "{n} nieuw(e) document(en)", "fr": "{n} nouveau(x) document(s)",
                 "de": "{n} neue(s) Dokument(e)"},
    "unreadCount": {"nl": "Na 15 dagen nog niet gelezen: {n}", "fr": "Toujours non lus après 15 jours : {n}",
                    "de": "Nach 15 Tagen noch ungelesen: {n}"},
    "expiringCount": {"nl": "Verdwijnen over 7 dagen uit uw e-Box: {n}",
                      "fr": "Quittent votre e-Box dans 7 jours : {n}",
                      "de": "Verschwinden in 7 Tagen aus Ihrer e-Box: {n}"},
}


def phrase(key: str, language: str, **values: object) -> str:
    return PHRASES[key][language].format(**values)


def moment(iso: str) -> str:
    """``2026-12-01T10:00:00Z`` as ``2026-12-01 10:00 UTC`` (the e-Box keeps UTC times)."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


@dataclass(frozen=True)
class Item:
    """One message in a list: its sender and subject (one line each), and what identifies it."""

    sender: str
    subject: str
    received: str
    until: str
    message_id: str


@dataclass
class Section:
    """One language's version of an e-mail."""

    language: str
    headline: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    lists: list[tuple[str, list[Item]]] = field(default_factory=list)
    closing: str = ""
    link: tuple[str, str] | None = None  # (what it opens, address)


def _item_text(item: Item, language: str) -> str:
    return phrase("item", language, received=moment(item.received), until=item.until[:10], id=item.message_id)


def as_text(sections: list[Section]) -> str:
    parts = []
    for section in sections:
        colon = " : " if section.language == "fr" else ": "
        lines = [section.headline, "", *section.paragraphs]
        if section.facts:
            lines += ["", *(f"{label}{colon}{value}" for label, value in section.facts)]
        for heading, items in section.lists:
            lines += ["", heading]
            lines += [f"- {i.sender}: {i.subject}\n  {_item_text(i, section.language)}" for i in items]
        lines += ["", section.closing] if section.closing else []
        if section.link:
            lines.append(f"{section.link[0]}{colon}{section.link[1]}")
        parts.append("\n".join(lines).strip("\n") + "\n")
    return "\n----\n\n".join(parts)


def _section_html(section: Section, *, own_lang: bool) -> str:
    lang = f' lang="{section.language}"' if own_lang else ""
    html = [f"<section{lang}>", f"<h1>{escape(section.headline)}</h1>"]
    html += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
    if section.facts:
        html.append("<dl>" + "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"
                                     for label, value in section.facts) + "</dl>")
    for heading, items in section.lists:
        html.append(f"<h2>{escape(heading)}</h2>")
        html.append("<ul>" + "".join(f"<li><strong>{escape(i.sender)}</strong>: {escape(i.subject)}<br>"
                                     f"{escape(_item_text(i, section.language))}</li>" for i in items) + "</ul>")
    if section.closing:
        html.append(f"<p>{escape(section.closing)}</p>")
    if section.link:
        html.append(f'<p><a href="{escape(section.link[1], quote=True)}">{escape(section.link[0])}</a></p>')
    html.append("</section>")
    return "\n".join(html)


def as_html(title: str, sections: list[Section]) -> str:
    """A whole HTML document: the language of the page is the first section's, every other section says its own."""
    body = "\n<hr>\n".join(_section_html(s, own_lang=n > 0) for n, s in enumerate(sections))
    return (f'<!DOCTYPE html>\n<html lang="{sections[0].language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")
