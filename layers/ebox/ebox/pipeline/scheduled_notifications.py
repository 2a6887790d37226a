"""The daily jobs: the digest of yesterday's messages, the 15-day reminders and the 7-day expiration
alerts. Each reads its day from a day index (ebox.adapters.due_messages), groups the messages by e-Box,
and e-mails each person only about the partitions they hold rights on: the digest once per (digest day,
person), the reminders and expiry alerts together in one e-mail per (day, e-Box, person), whatever the
number of runs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ebox.domain.errors import NotificationIncomplete
from ebox.domain.message import Message
from ebox.domain.notification import digest_email, message_facts, reminders_email
from ebox.domain.notification_preferences import Kind, Mode, Recipient
from ebox.domain.notification_schedule import alert_expiration_day, digest_day, reminder_receipt_day
from ebox.domain.ports import DueMessages
from ebox.domain.recipients import ebox_holder
from ebox.pipeline.notification_steps import (
    EboxAudience,
    NotificationPorts,
    Outcome,
    send_once,
)

DIGEST = frozenset({Mode.DAILY_DIGEST})
REMINDED = frozenset({Mode.PER_MESSAGE, Mode.DAILY_DIGEST})  # NONE means none
EVENT_TYPES = {Kind.REMINDER: "newDocumentReminder", Kind.EXPIRATION_ALERT: "documentExpirationAlert"}
EVENT = "EVENT"  # the claim of the bus event, one per message and kind
BACKFILL_PER_RUN = 20_000  # updates per invocation of the one-off backfill (well within 15 minutes)


def run_job(job: str, today: date, ports: NotificationPorts) -> dict[str, Any]:
    """``digest`` or ``reminders`` (or the one-off ``backfill``); raises
    NotificationIncomplete (after trying everything) if any e-mail failed, so that the scheduler's retry
    sends what is missing."""
    if job == "backfill":
        return backfill(ports)
    if job == "digest":
        outcome = send_digests(today, ports)
    elif job == "reminders":
        outcome = send_reminders(today, ports)
    else:
        raise ValueError(f"unknown job {job!r}: digest or reminders")
    if outcome.failed:
        raise NotificationIncomplete(f"{job} of {today}: {len(outcome.failed)} e-mail(s) not sent, retry: "
                                     + ", ".join(outcome.failed[:20]))
    return {"job": job, "day": today.isoformat(), **outcome.to_dict()}


def backfill(ports: NotificationPorts, max_items: int = BACKFILL_PER_RUN) -> dict[str, Any]:
    """Once, after deploying onto an e-Box that already holds messages: gives them the day keys the
    jobs read and the inbox's facet keys. Answers ``"more": true`` until the table is done (run
    {"job": "backfill"} again)."""
    page = ports.due_messages.backfill_index_keys(max_items)
    return {"job": "backfill", "updated": page.updated, "more": page.more}


def backfill_step(due_messages: DueMessages, resume: str | None, scanned: int) -> dict[str, Any]:
    """The same backfill a bounded step at a time, for an operator through the API (``ebox admin
    index-backfill``): call again with ``resume`` until ``done``."""
    page = due_messages.backfill_index_keys_page(resume, scanned)
    return {"updated": page.updated, "done": not page.more, "resume": page.resume}


def _by_ebox(keys: list[tuple[str, str]], ports: NotificationPorts) -> dict[str, list[Message]]:
    grouped: dict[str, list[Message]] = defaultdict(list)
    for message in sorted(ports.index.many(keys), key=lambda m: m.message_id):
        grouped[message.recipient].append(message)
    return grouped


def _sender_names(ports: NotificationPorts, organization_id: str) -> dict[str, str] | None:
    organization = ports.registry.sender_organization(organization_id)
    return organization.short_name if organization else None


def send_digests(today: date, ports: NotificationPorts) -> Outcome:
    day = digest_day(today)
    keys = [(m.enterprise_number, m.message_id) for m in ports.due_messages.received_on(day)]
    outcome = Outcome()
    for number, messages in _by_ebox(keys, ports).items():
        audience = EboxAudience(ports, ebox_holder(ports.registry, number))
        enterprise = audience.enterprise
        if enterprise is None:
            continue
        mine: dict[Recipient, list[Message]] = defaultdict(list)
        for message in messages:
            for recipient in audience.recipients(message.partition, DIGEST):
                if recipient.key != "CONTACT":  # the contact address has no digest: it had each message
                    mine[recipient].append(message)
        for recipient, listed in mine.items():
            email = digest_email(to=recipient.email, day=day.isoformat(), enterprise_number=number,
                                 enterprise_name=enterprise.name, language=recipient.language,
                                 web_url=ports.web_app_url,
                                 messages=[(message_facts(m), _sender_names(ports, m.sender_organization_id))
                                           for m in listed])
            outcome.add(send_once(ports, Kind.DIGEST, f"{number}#{day.isoformat()}", recipient, email))
    return outcome


def send_reminders(today: date, ports: NotificationPorts) -> Outcome:
    try:
        return _send_reminders(today, ports)
    finally:
        ports.buffered_events.flush()


def _send_reminders(today: date, ports: NotificationPorts) -> Outcome:
    """One e-mail per person and e-Box for the day, listing its unread 15-day-old documents and those
    expiring in 7 days; the per-message events of the event API, once each, as before."""
    outcome = Outcome()
    due: dict[str, dict[Kind, list[Message]]] = defaultdict(lambda: defaultdict(list))
    for kind, listed in ((Kind.REMINDER, ports.due_messages.received_on(reminder_receipt_day(today))),
                         (Kind.EXPIRATION_ALERT, ports.due_messages.expiring_on(alert_expiration_day(today)))):
        keys = [(m.enterprise_number, m.message_id) for m in listed if not m.read]
        for number, messages in _by_ebox(keys, ports).items():
            due[number][kind] += [m for m in messages if not m.read_status]  # read since the index answered
    for number, kinds in due.items():
        outcome.add(_remind_ebox(number, kinds, today, ports))
    return outcome


def _remind_ebox(number: str, kinds: dict[Kind, list[Message]], today: date, ports: NotificationPorts) -> Outcome:
    audience = EboxAudience(ports, ebox_holder(ports.registry, number))
    outcome = Outcome()
    wanted: dict[Recipient, dict[Kind, list[Message]]] = defaultdict(lambda: defaultdict(list))
    for kind, messages in kinds.items():
        for message in messages:
            for recipient in audience.recipients(message.partition, REMINDED):
                wanted[recipient][kind].append(message)
    for recipient, listed in wanted.items():
        assert audience.enterprise is not None  # recipients() is empty without one
        email = reminders_email(
            to=recipient.email, day=today.isoformat(), enterprise_number=number,
            enterprise_name=audience.enterprise.name, language=recipient.language,
            web_url=ports.web_app_url,
            unread=[(message_facts(m), _sender_names(ports, m.sender_organization_id))
                    for m in listed.get(Kind.REMINDER, [])],
            expiring=[(message_facts(m), _sender_names(ports, m.sender_organization_id))
                      for m in listed.get(Kind.EXPIRATION_ALERT, [])])
        outcome.add(send_once(ports, Kind.REMINDER, f"{number}#{today.isoformat()}", recipient, email))
    if not outcome.failed:
        for kind, messages in kinds.items():
            for message in messages:
                if ports.notification_claims.claim(kind, message.message_id, EVENT):
                    ports.buffered_events.document_event(EVENT_TYPES[kind], message)
    return outcome
