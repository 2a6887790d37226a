"""Notification steps: the new-document e-mail of one MessagePublished event, and the e-mails of the
scheduled jobs, each sent once per (kind, message or digest day, recipient) through a claim."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ebox import observability
from ebox.domain.errors import DeliveryUncertain, NotificationIncomplete
from ebox.domain.notification import Email
from ebox.domain.notification_preferences import Kind, Mode, Recipient, recipients_for
from ebox.domain.partitions import GENERAL, EboxUser
from ebox.domain.ports import (
    BufferedEvents,
    DueMessages,
    Mailer,
    MessageReader,
    NotificationClaims,
    NotificationPreferences,
    NotificationRegistry,
)
from ebox.domain.recipients import ebox_holder, ebox_id_of
from ebox.domain.registry import Citizen, EboxHolder

logger = logging.getLogger(__name__)
PER_MESSAGE = frozenset({Mode.PER_MESSAGE})


@dataclass(frozen=True)
class NotificationPorts:
    """What the e-mails (per message, digests, reminders) need."""

    registry: NotificationRegistry
    notification_preferences: NotificationPreferences
    notification_claims: NotificationClaims
    mailer: Mailer
    index: MessageReader
    due_messages: DueMessages
    buffered_events: BufferedEvents
    web_app_url: str = ""  # where the e-mails' links lead (the web app); none when empty


@dataclass
class Outcome:
    """What a step did, for the logs and the scheduled job's answer."""

    sent: int = 0
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.sent += other.sent
        self.already_sent += other.already_sent
        self.failed += other.failed

    def to_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "alreadySent": self.already_sent, "failed": len(self.failed)}


def send_once(ports: NotificationPorts, kind: Kind, subject: str, recipient: Recipient, email: Email) -> Outcome:
    """Claim, send, log; a failed send releases the claim (a later run sends it) and is reported. A send
    whose answer was lost (SES may have taken it) keeps its claim: an e-mail is sent at most once. SES's id of
    the e-mail goes to the log, not back to the claim (a write per e-mail that nothing read)."""
    claims = ports.notification_claims
    if not claims.claim(kind, subject, recipient.key):
        return Outcome(already_sent=1)
    try:
        mail_id = ports.mailer.send(to=email.to, subject=email.subject, text=email.text, html=email.html)
    except DeliveryUncertain as error:
        logger.warning("%s e-mail of %s to %s may have gone, not sent again: %s", kind.value, subject,
                       recipient.key, error)
        return Outcome(sent=1)
    except Exception as error:  # noqa: BLE001 - whatever SES answered, the claim must go
        claims.release(kind, subject, recipient.key)
        logger.warning("%s e-mail of %s to %s not sent: %s", kind.value, subject, recipient.key, error)
        return Outcome(failed=[f"{kind.value} {subject} {recipient.key}"])
    logger.info("%s e-mail of %s to %s sent", kind.value, subject, recipient.key,
                extra={"ses_message_id": mail_id, "kind": kind.value, "subject": subject})
    observability.count(observability.EMAILS_SENT)
    return Outcome(sent=1)


class EboxAudience:
    """The people of one e-Box who may hear of its messages: its preferences and users, read once (two
    Queries, the second only when someone set a preference) however many messages are notified."""

    def __init__(self, ports: NotificationPorts, enterprise: EboxHolder | None) -> None:
        self.enterprise = enterprise if enterprise is not None and enterprise.ebox_activated else None
        self._ports = ports
        self._loaded: tuple[list[Any], list[Any]] | None = None

    def recipients(self, partition: str, modes: frozenset[Mode]) -> list[Recipient]:
        """Who of this e-Box hears of a message of ``partition`` (its preferences and rights only)."""
        if self.enterprise is None:
            return []
        if self._loaded is None:
            number = self.enterprise.ebox_id
            preferences = self._ports.notification_preferences.preferences(number)
            self._loaded = (preferences, self._users(number) if preferences else [])
        preferences, users = self._loaded
        return recipients_for(partition, preferences=preferences, users=users,
                              contact_email=self.enterprise.contact_email, modes=modes)


    def _users(self, number: str) -> list[EboxUser]:
        if isinstance(self.enterprise, Citizen):  # a citizen is the one person of their My eBox
            return [EboxUser(self.enterprise.ssin, frozenset(), frozenset({GENERAL}))]
        return list(self._ports.registry.ebox_users(number))


def notify_recipient(event: dict[str, Any], ports: NotificationPorts) -> str:
    """The new-document e-mails of one MessagePublished event. Raises when one failed (SQS retries)."""
    from ebox.domain.notification import new_document_email

    detail = event["detail"]
    message_id = detail["messageId"]
    enterprise = ebox_holder(ports.registry, ebox_id_of(detail["recipient"]))
    partition = detail.get("partition") or _stored_partition(ports, detail)
    wanted = EboxAudience(ports, enterprise).recipients(partition, PER_MESSAGE)
    if enterprise is None or not wanted:
        return f"{message_id}: nobody to notify"
    organization = ports.registry.sender_organization(detail["senderOrganizationId"])
    outcome = Outcome()
    for recipient in wanted:
        email = new_document_email(to=recipient.email, detail=detail, language=recipient.language,
                                   sender_name=organization.short_name if organization else None,
                                   enterprise_name=enterprise.name, web_url=ports.web_app_url)
        outcome.add(send_once(ports, Kind.NEW_DOCUMENT, message_id, recipient, email))
    if outcome.failed:
        raise NotificationIncomplete(f"{message_id}: not sent: {', '.join(outcome.failed)}")
    return f"{message_id}: {outcome.sent} sent, {outcome.already_sent} already sent"


def _stored_partition(ports: NotificationPorts, detail: dict[str, Any]) -> str:
    """Events published before they carried the partition: the message's own."""
    message = ports.index.get(ebox_id_of(detail["recipient"]), detail["messageId"])
    return message.partition if message is not None else "GENERAL"
