"""Message events on the e-Box EventBridge bus (source ``ebox.message-registry``)."""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import raise_classified
from ebox.domain.errors import TransientError
from ebox.domain.message import Message
from ebox.domain.recipients import event_recipient
from ebox.domain.statistics import EBOX_ACTIVATED, EBOX_PREFERENCE_CHANGED, SOURCE_EBOXES

SOURCE = "ebox.message-registry"
logger = logging.getLogger(__name__)


def published_detail(message: Message) -> dict[str, Any]:
    """What subscribers learn of a publication: identities and ids, never document bytes."""
    return {
        "messageId": message.message_id,
        "recipient": event_recipient(message.recipient),
        "senderOrganizationId": message.sender_organization_id,
        "senderApplicationId": message.sender_application_id,
        "messageTypeId": message.message_type_id,
        "subject": message.subject,
        "receiptDate": message.receipt_date,
        "expirationDate": message.expiration_date,
        "registeredMail": message.is_registered_mail,
        "registeredMailType": message.registered_mail_type or "simple",
        "partition": message.partition,
        "documents": [
            {"attachmentId": a.attachment_id, "sha256": a.sha256_b64url, "size": a.size} for a in message.attachments
        ],
    }


def document_event_detail(event_type: str, message: Message) -> dict[str, Any]:
    """An EboxEnterpriseDocumentEvent of the e-Box event API 1.1.1 (newDocumentReminder,
    documentExpirationAlert), and the messageId every detail of this bus carries."""
    return {
        "eventType": event_type,
        "enterpriseId": message.recipient,
        "messageId": message.message_id,
        "receiptDate": message.receipt_date,
        "expirationDate": message.expiration_date,
        "registeredMail": message.is_registered_mail,
        "messageTypeId": message.message_type_id,
        "senderOrganizationId": message.sender_organization_id,
        "senderApplicationId": message.sender_application_id,
        "subject": message.subject,
    }


class EventBridgeMessageEvents:
    def __init__(self, events_client: Any, *, bus_name: str) -> None:
        self._events = events_client
        self._bus = bus_name

    def message_published(self, message: Message) -> None:
        self._put("MessagePublished", published_detail(message))

    def message_read(self, message: Message, when: str) -> None:
        self._put(
            "MessageRead",
            {
                "messageId": message.message_id,
                "recipient": event_recipient(message.recipient),
                "senderOrganizationId": message.sender_organization_id,
                "senderApplicationId": message.sender_application_id,
                "readAt": when,
                "receiptDate": message.receipt_date,
                "registeredMailType": message.registered_mail_type or "simple",
            },
        )

    def action_done(self, message: Message, when: str, by: str) -> None:
        """The recipient did what a message "for action" asked (the sender may subscribe to it)."""
        self._put("MessageActionDone", {
            "messageId": message.message_id,
            "recipient": event_recipient(message.recipient),
            "senderOrganizationId": message.sender_organization_id,
            "senderApplicationId": message.sender_application_id,
            "doneAt": when,
            "doneBy": by,
        })

    def document_event(self, event_type: str, message: Message) -> None:
        """newDocumentReminder or documentExpirationAlert (they land in the message's audit trail too)."""
        self._put(event_type, document_event_detail(event_type, message))

    def message_rejected(self, message_id: str, sender: str, recipient: str, code: str) -> None:
        self._put("MessageRejected", {
            "messageId": message_id,
            "senderOrganizationId": sender,
            "recipient": event_recipient(recipient),
            "code": code,
        })

    def delivery_concluded(self, message: Message, detail_type: str, outcome: str) -> None:
        """What the sender subscribes to: the end of a qualified delivery. Not put: TransientError (the
        workflow's step is retried; it finds its outcome recorded and puts the event again)."""
        self._put(detail_type, strict=True, detail={
            "messageId": message.message_id,
            "recipient": event_recipient(message.recipient),
            "senderOrganizationId": message.sender_organization_id,
            "senderApplicationId": message.sender_application_id,
            "outcome": outcome,
            "receiptDate": message.receipt_date,
            "evidence": f"/messageRegistry/v3/ebox/messages/{message.message_id}/evidences",
        })

    def ebox_activated(self, ebox_id: str, ebox_type: str, activated_at: str) -> None:
        """An e-Box opened (the statistics count it in the month of ``activated_at``)."""
        self._put(EBOX_ACTIVATED, {"eboxId": ebox_id, "eboxType": ebox_type, "activatedAt": activated_at},
                  source=SOURCE_EBOXES)

    def ebox_preference_changed(self, ebox_id: str, ebox_type: str, exclusively: bool, changed_at: str) -> None:
        """An e-Box's digital-only preference (exclusivelyEbox) as it stands from ``changed_at``."""
        self._put(EBOX_PREFERENCE_CHANGED, {"eboxId": ebox_id, "eboxType": ebox_type, "exclusivelyEbox": exclusively,
                                            "changedAt": changed_at}, source=SOURCE_EBOXES)

    def _put(self, detail_type: str, detail: dict[str, Any], *, source: str = SOURCE, strict: bool = False) -> None:
        """``strict``: a failure raises TransientError for the caller to retry, instead of being logged."""
        entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": self._bus}
        try:
            response = self._events.put_events(Entries=[entry])
        except (ClientError, BotoCoreError) as error:
            if strict:
                raise_classified(error, f"event {detail_type} was not put")
            # The message is already published and visible; the event is what is lost. Logged
            # loudly so the alarm on this log line lets ops replay it (see docs/operations.md, "On call").
            logger.exception("event %s for %s was not delivered", detail_type,
                             detail.get("messageId") or detail.get("eboxId"))
            return
        if response.get("FailedEntryCount"):
            about = detail.get("messageId") or detail.get("eboxId")
            logger.error("event %s for %s was refused: %s", detail_type, about, response)
            if strict:
                raise TransientError(f"event {detail_type} for {about} was refused")
