"""The audit trail and the notification ledger, items of the messages table (see tables.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from ebox.adapters.tables import AuditEventItem, NotificationSentItem
from ebox.domain.errors import TransientError


def _conditional_failure(error: PutError) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoAuditTrail:
    def record(self, *, message_id: str, event_type: str, event_id: str, occurred_at: str,
               detail: dict[str, Any]) -> bool:
        item = AuditEventItem(
            f"MSG#{message_id}", f"AUDIT#{occurred_at}#{event_id}", event=event_type, occurred_at=occurred_at,
            detail=detail,
        )
        try:
            item.save(condition=AuditEventItem.pk.does_not_exist())
        except PutError as error:
            if _conditional_failure(error):
                return False
            raise TransientError(f"could not record {event_type} for {message_id}") from error
        return True

    def events(self, message_id: str) -> list[dict[str, Any]]:
        return [
            {"event": i.event, "occurredAt": i.occurred_at, "detail": i.detail}
            for i in AuditEventItem.query(f"MSG#{message_id}", AuditEventItem.sk.startswith("AUDIT#"))
        ]


class DynamoNotificationLedger:
    """Claim-then-send: a claim is taken before the e-mail goes and released if sending fails, so
    a retried batch never mails twice."""

    def claim(self, message_id: str) -> bool:
        item = NotificationSentItem(f"MSG#{message_id}", "NOTIFIED", sent_at=datetime.now(UTC).isoformat())
        try:
            item.save(condition=NotificationSentItem.pk.does_not_exist())
        except PutError as error:
            if _conditional_failure(error):
                return False
            raise TransientError(f"could not claim the notification of {message_id}") from error
        return True

    def release(self, message_id: str) -> None:
        try:
            NotificationSentItem(f"MSG#{message_id}", "NOTIFIED").delete()
        except DeleteError as error:
            raise TransientError(f"could not release the notification claim of {message_id}") from error

    def sent(self, message_id: str, mail_id: str) -> None:
        NotificationSentItem(f"MSG#{message_id}", "NOTIFIED").update(
            actions=[NotificationSentItem.mail_id.set(mail_id)]
        )
