"""The e-mails that bring people back to their e-Box: a new document, a daily digest, a reminder of an
unread document, an alert before a document expires. They never contain the document itself, and each
links to the message (or the inbox) in the web app when its address is configured.

Each is written in the recipient's language (nl, fr, de) or, without one, in the three, as plain text and
as accessible HTML (ebox.domain.notification_render)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.limits import one_line
from ebox.domain.message import LANGUAGES, Message
from ebox.domain.notification_render import Item, Section, as_html, as_text, moment, phrase
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
    html: str = ""
    """The same e-mail as accessible HTML (sent beside ``text`` as multipart/alternative)."""


def _languages(language: str | None) -> tuple[str, ...]:
    return (language,) if language in LANGUAGES else LANGUAGES


def _pick(translated: dict[str, str] | None, fallback: str, language: str | None = None) -> str:
    if not translated:
        return one_line(fallback)
    order = (*_languages(language), *LANGUAGES)
    return one_line(next((translated[lang] for lang in order if translated.get(lang)), fallback))


def _in(translated: dict[str, str] | None, fallback: str, language: str) -> str:
    """The sender's text in ``language`` when they wrote it, else in another (nl, fr, de); always one line
    (a sender's string cannot add a line to the e-mail or a header to its subject)."""
    return _pick(translated, fallback, language)


def message_facts(message: Message) -> dict[str, Any]:
    """What the e-mails say of a message, in the shape of the MessagePublished event's detail."""
    return {"messageId": message.message_id, "recipient": event_recipient(message.recipient),
            "senderOrganizationId": message.sender_organization_id, "subject": message.subject,
            "receiptDate": message.receipt_date, "expirationDate": message.expiration_date,
            "registeredMailType": message.registered_mail_type or "simple", "partition": message.partition}


def _link(web_url: str, route: str, what: str, language: str) -> tuple[str, str] | None:
    """The link that leads to the web app (the message, or the inbox), when its address is known."""
    return (phrase(what, language), f"{web_url}/#/{route}") if web_url else None


def _item(detail: dict[str, Any], sender_name: dict[str, str] | None, language: str) -> Item:
    return Item(sender=_pick(sender_name, detail["senderOrganizationId"], language),
                subject=_in(detail.get("subject"), "(no subject)", language), received=detail["receiptDate"],
                until=detail["expirationDate"], message_id=detail["messageId"])


def _email(to: str, subjects: list[str], sections: list[Section]) -> Email:
    """The subject in each language the e-mail speaks, as many whole ones as fit in 200 characters."""
    kept = [one_line(s) for s in dict.fromkeys(subjects)]
    while len(kept) > 1 and len(" / ".join(kept)) > 200:
        kept.pop()
    subject = " / ".join(kept)[:200]
    return Email(to=to, subject=subject, text=as_text(sections), html=as_html(subject, sections))


_MESSAGE_SUBJECT = {"new": {"nl": "e-Box", "fr": "e-Box", "de": "e-Box"},
                    "reminder": {"nl": "e-Box-herinnering", "fr": "Rappel e-Box", "de": "e-Box-Erinnerung"},
                    "expiry": {"nl": "e-Box, verdwijnt over 7 dagen", "fr": "e-Box, disparaît dans 7 jours",
                               "de": "e-Box, verschwindet in 7 Tagen"}}


def message_email(*, kind: str, to: str, detail: dict[str, Any], sender_name: dict[str, str] | None,
                  enterprise_name: str, language: str | None = None, web_url: str = "") -> Email:
    """One message's e-mail: ``kind`` new, reminder or expiry; in the person's language, else in nl, fr and de."""
    languages = _languages(language)
    sections = []
    for lang in languages:
        item = _item(detail, sender_name, lang)
        sections.append(Section(
            language=lang, headline=_HEADLINES[kind][lang],
            paragraphs=[f"{one_line(enterprise_name)} ({ebox_id_of(detail['recipient'])})"],
            facts=[(phrase("from", lang), item.sender), (phrase("subject", lang), item.subject),
                   (phrase("received", lang), moment(item.received)), (phrase("until", lang), item.until[:10]),
                   (phrase("messageId", lang), item.message_id)],
            closing=" ".join(
                ([phrase("qualified", lang)] if kind == "new" and detail.get("registeredMailType") == "qualified"
                 else []) + [phrase("consultOne", lang)]),
            link=_link(web_url, f"messages/{detail['messageId']}", "openMessage", lang)))
    prefix = " / ".join(dict.fromkeys(_MESSAGE_SUBJECT[kind][lang] for lang in languages))
    subjects = " / ".join(dict.fromkeys(section.facts[1][1] for section in sections))  # each language's once
    return _email(to, [f"{prefix}: {sections[0].facts[0][1]} - {subjects}"], sections)


def new_document_email(*, to: str, detail: dict[str, Any], sender_name: dict[str, str] | None,
                       enterprise_name: str, language: str | None = None, web_url: str = "") -> Email:
    return message_email(kind="new", to=to, detail=detail, sender_name=sender_name,
                         enterprise_name=enterprise_name, language=language, web_url=web_url)


_DIGEST_SUBJECT = {"nl": "e-Box-overzicht {day}: {n} nieuw(e) document(en)",
                   "fr": "Résumé e-Box du {day} : {n} nouveau(x) document(s)",
                   "de": "e-Box-Übersicht {day}: {n} neue(s) Dokument(e)"}


def digest_email(*, to: str, day: str, enterprise_number: str, enterprise_name: str,
                 messages: list[tuple[dict[str, Any], dict[str, str] | None]], language: str | None = None,
                 web_url: str = "") -> Email:
    """One e-mail listing the messages received on ``day`` (each with its sender's names)."""
    languages = _languages(language)
    sections = [Section(
        language=lang, headline=f"{_HEADLINES['digest'][lang]} - {day}",
        paragraphs=[f"{one_line(enterprise_name)} ({enterprise_number})"],
        lists=[(phrase("newCount", lang, n=len(messages)), [_item(d, names, lang) for d, names in messages])],
        closing=phrase("consultMany", lang), link=_link(web_url, "inbox", "openInbox", lang),
    ) for lang in languages]
    return _email(to, [_DIGEST_SUBJECT[lang].format(day=day, n=len(messages)) for lang in languages], sections)


_REMINDERS_SUBJECT = {
    "unread": {"nl": "e-Box-herinnering {day}: {u} ongelezen document(en)",
               "fr": "Rappel e-Box du {day} : {u} document(s) non lu(s)",
               "de": "e-Box-Erinnerung {day}: {u} ungelesene(s) Dokument(e)"},
    "expiring": {"nl": "e-Box: {e} document(en) verdwijnen over 7 dagen",
                 "fr": "e-Box : {e} document(s) disparaissent dans 7 jours",
                 "de": "e-Box: {e} Dokument(e) verschwinden in 7 Tagen"},
    "both": {"nl": "e-Box-herinnering {day}: {u} ongelezen, {e} verdwijnen over 7 dagen",
             "fr": "Rappel e-Box du {day} : {u} non lu(s), {e} disparaissent dans 7 jours",
             "de": "e-Box-Erinnerung {day}: {u} ungelesen, {e} verschwinden in 7 Tagen"},
}


def reminders_email(*, to: str, day: str, enterprise_number: str, enterprise_name: str,
                    unread: list[tuple[dict[str, Any], dict[str, str] | None]],
                    expiring: list[tuple[dict[str, Any], dict[str, str] | None]],
                    language: str | None = None, web_url: str = "") -> Email:
    """One e-mail a day per person and e-Box: the documents still unread 15 days after they arrived and
    those that leave the e-Box in 7 days, however many there are (a campaign of 2,000 messages is one
    e-mail, not 2,000)."""
    languages = _languages(language)
    sections = []
    for lang in languages:
        lists = [(phrase(title, lang, n=len(listed)), [_item(d, names, lang) for d, names in listed])
                 for title, listed in (("unreadCount", unread), ("expiringCount", expiring)) if listed]
        sections.append(Section(
            language=lang, headline=f"{_HEADLINES['reminder' if unread else 'expiry'][lang]} - {day}",
            paragraphs=[f"{one_line(enterprise_name)} ({enterprise_number})"], lists=lists,
            closing=phrase("consultMany", lang),
            link=_link(web_url, "inbox?unread=1" if unread else "inbox", "openUnread" if unread else "openInbox",
                       lang)))
    which = "both" if unread and expiring else "unread" if unread else "expiring"
    subjects = [_REMINDERS_SUBJECT[which][lang].format(day=day, u=len(unread), e=len(expiring)) for lang in languages]
    return _email(to, subjects, sections)
