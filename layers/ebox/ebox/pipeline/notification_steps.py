"""Notification steps: the new-document e-mail of one MessagePublished event, and the e-mails of the
scheduled jobs, each sent once per (kind, message or digest day, recipient) through a claim."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ebox.domain.notification import Email
from ebox.domain.notification_preferences import Kind, Mode, Recipient, recipients_for
from ebox.domain.registry import Enterprise
from ebox.wiring import Services

logger = logging.getLogger(__name__)
PER_MESSAGE = frozenset({Mode.PER_MESSAGE})


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


def send_once(services: Services, kind: Kind, subject: str, recipient: Recipient, email: Email) -> Outcome:
    """Claim, send, record; a failed send releases the claim (a later run sends it) and is reported."""
    claims = services.notification_claims
    if not claims.claim(kind, subject, recipient.key):
        return Outcome(already_sent=1)
    try:
        mail_id = services.mailer.send(to=email.to, subject=email.subject, text=email.text)
    except Exception as error:  # noqa: BLE001 - whatever SES answered, the claim must go
        claims.release(kind, subject, recipient.key)
        logger.warning("%s e-mail of %s to %s not sent: %s", kind.value, subject, recipient.key, error)
        return Outcome(failed=[f"{kind.value} {subject} {recipient.key}"])
    claims.sent(kind, subject, recipient.key, mail_id)
    return Outcome(sent=1)


class EboxAudience:
    """The people of one e-Box who may hear of its messages: its preferences and users, read once (two
    Queries, the second only when someone set a preference) however many messages are notified."""

    def __init__(self, services: Services, enterprise: Enterprise | None) -> None:
        self.enterprise = enterprise if enterprise is not None and enterprise.ebox_activated else None
        self._services = services
        self._loaded: tuple[list[Any], list[Any]] | None = None

    def recipients(self, partition: str, modes: frozenset[Mode]) -> list[Recipient]:
        """Who of this e-Box hears of a message of ``partition`` (its preferences and rights only)."""
        if self.enterprise is None:
            return []
        if self._loaded is None:
            number = self.enterprise.enterprise_number
            preferences = self._services.notification_preferences.preferences(number)
            self._loaded = (preferences, self._services.registry.ebox_users(number) if preferences else [])
        preferences, users = self._loaded
        return recipients_for(partition, preferences=preferences, users=users,
                              contact_email=self.enterprise.contact_email, modes=modes)


class NotificationIncomplete(Exception):
    """Some e-mails could not be sent; their claims were released, so a retry sends them (and only them)."""


def notify_recipient(event: dict[str, Any], services: Services) -> str:
    """The new-document e-mails of one MessagePublished event. Raises when one failed (SQS retries)."""
    from ebox.domain.notification import new_document_email

    detail = event["detail"]
    message_id = detail["messageId"]
    enterprise = services.registry.enterprise(detail["recipient"]["enterpriseNumber"])
    partition = detail.get("partition") or _stored_partition(services, detail)
    wanted = EboxAudience(services, enterprise).recipients(partition, PER_MESSAGE)
    if enterprise is None or not wanted:
        return f"{message_id}: nobody to notify"
    organization = services.registry.sender_organization(detail["senderOrganizationId"])
    outcome = Outcome()
    for recipient in wanted:
        email = new_document_email(to=recipient.email, detail=detail, language=recipient.language,
                                   sender_name=organization.short_name if organization else None,
                                   enterprise_name=enterprise.name, web_url=services.config.web_app_url)
        outcome.add(send_once(services, Kind.NEW_DOCUMENT, message_id, recipient, email))
    if outcome.failed:
        raise NotificationIncomplete(f"{message_id}: not sent: {', '.join(outcome.failed)}")
    return f"{message_id}: {outcome.sent} sent, {outcome.already_sent} already sent"


def _stored_partition(services: Services, detail: dict[str, Any]) -> str:
    """Events published before they carried the partition: the message's own."""
    message = services.index.get(detail["recipient"]["enterpriseNumber"], detail["messageId"])
    return message.partition if message is not None else "GENERAL"
