"""Notification preferences (registry table) and the send-once claims of notification e-Mails
(messages table); see ebox.adapters.tables for their keys."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from ebox.adapters.aws_errors import classified, put_if_absent
from ebox.adapters.tables.message_items import NotificationSentItem
from ebox.adapters.tables.registry_items import NotificationPreferenceItem
from ebox.domain.errors import TransientError
from ebox.domain.notification_preferences import CONTACT, Kind, Mode, NotificationPreference

# A claim outlives any retry of its job; messages expire with their own TTL.
CLAIM_TTL_SECONDS = 400 * 24 * 3600


class DynamoNotificationPreferences:
    def preference(self, enterprise_number: str, person: str) -> NotificationPreference | None:
        item = NotificationPreferenceItem.find(f"ENT#{enterprise_number}", f"NOTIFY#{person}")
        return None if item is None else _preference(item)

    def preferences(self, enterprise_number: str) -> list[NotificationPreference]:
        items = NotificationPreferenceItem.query(f"ENT#{enterprise_number}",
                                                 NotificationPreferenceItem.sk.startswith("NOTIFY#"))
        return [_preference(i) for i in items]

    def save_preference(self, enterprise_number: str, preference: NotificationPreference) -> None:
        NotificationPreferenceItem(f"ENT#{enterprise_number}", f"NOTIFY#{preference.ssin}",
                                   mode=preference.mode.value, email=preference.email,
                                   language=preference.language).save()

    def delete_preference(self, enterprise_number: str, person: str) -> None:
        NotificationPreferenceItem(f"ENT#{enterprise_number}", f"NOTIFY#{person}").delete()


def _preference(item: NotificationPreferenceItem) -> NotificationPreference:
    return NotificationPreference(item.sk.removeprefix("NOTIFY#"), Mode(item.mode), item.email, item.language)


def claim_key(kind: Kind, subject: str, recipient: str) -> tuple[str, str]:
    """(pk, sk) of the claim: ``subject`` is a message id, or ``<e-Box>#<day>`` for a digest. The
    new-document e-mail to the contact address keeps the key it always had (MSG#<id>, NOTIFIED)."""
    if kind is Kind.DIGEST:
        return f"DIGEST#{subject}", f"NOTIFIED#DIGEST#{recipient}"
    if kind is Kind.NEW_DOCUMENT and recipient == CONTACT:
        return f"MSG#{subject}", "NOTIFIED"
    return f"MSG#{subject}", f"NOTIFIED#{kind.value}#{recipient}"


def _claimed_by(pk: str, sk: str) -> str | None:
    try:
        return NotificationSentItem.get(pk, sk, consistent_read=True).claimed_by
    except (DoesNotExist, PynamoDBException):
        return None


class DynamoNotificationClaims:
    """Claim-then-send: a conditional Put before the e-mail goes, deleted if sending fails, so that a
    retried or repeated job sends each e-mail once."""

    def claim(self, kind: Kind, subject: str, recipient: str) -> bool:
        """True when this call took the claim. A write whose answer was lost (a timeout) may have been
        applied: the claim read back says whether it is this call's (else a retry would find it taken
        and the e-mail would never go)."""
        pk, sk = claim_key(kind, subject, recipient)
        mine = str(uuid.uuid4())
        item = NotificationSentItem(pk, sk, sent_at=datetime.now(UTC).isoformat(),
                                    expires_at=int(time.time()) + CLAIM_TTL_SECONDS, claimed_by=mine)
        try:
            return put_if_absent(item, failure=f"could not claim the {kind.value} e-mail of {subject} to {recipient}")
        except TransientError:
            if _claimed_by(pk, sk) == mine:
                return True
            raise

    def release(self, kind: Kind, subject: str, recipient: str) -> None:
        with classified(f"could not release the {kind.value} claim of {subject}"):
            NotificationSentItem(*claim_key(kind, subject, recipient)).delete()
