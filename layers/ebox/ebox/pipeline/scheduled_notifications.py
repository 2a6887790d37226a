"""The daily jobs: the digest of yesterday's messages, the 15-day reminders and the 7-day expiration
alerts. Each reads its day from a day index (ebox.adapters.due_messages), groups the messages by e-Box,
and e-mails each person only about the partitions they hold rights on, once per (kind, message or
digest day, person) whatever the number of runs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ebox.domain.errors import NotificationIncomplete
from ebox.domain.message import Message
from ebox.domain.notification import digest_email, message_email, message_facts
from ebox.domain.notification_preferences import Kind, Mode, Recipient
from ebox.domain.notification_schedule import alert_expiration_day, digest_day, reminder_receipt_day
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
    outcome = Outcome()
    for kind, due in ((Kind.REMINDER, ports.due_messages.received_on(reminder_receipt_day(today))),
                      (Kind.EXPIRATION_ALERT, ports.due_messages.expiring_on(alert_expiration_day(today)))):
        keys = [(m.enterprise_number, m.message_id) for m in due if not m.read]
        for number, messages in _by_ebox(keys, ports).items():
            audience = EboxAudience(ports, ebox_holder(ports.registry, number))
            for message in messages:
                if not message.read_status:  # read between the index's answer and now
                    outcome.add(_remind(kind, message, audience, ports))
    return outcome


def _remind(kind: Kind, message: Message, audience: EboxAudience, ports: NotificationPorts) -> Outcome:
    outcome = Outcome()
    for recipient in audience.recipients(message.partition, REMINDED):
        assert audience.enterprise is not None  # recipients() is empty without one
        email = message_email(kind="reminder" if kind is Kind.REMINDER else "expiry", to=recipient.email,
                              detail=message_facts(message), language=recipient.language,
                              sender_name=_sender_names(ports, message.sender_organization_id),
                              enterprise_name=audience.enterprise.name)
        outcome.add(send_once(ports, kind, message.message_id, recipient, email))
    if not outcome.failed and ports.notification_claims.claim(kind, message.message_id, EVENT):
        ports.buffered_events.document_event(EVENT_TYPES[kind], message)
    return outcome
