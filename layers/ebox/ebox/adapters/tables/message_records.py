"""The messages table's items beside the message: an e-Box's counters, idempotency claims, audit events,
notifications sent, evidence chains and reply links (their keys: :mod:`ebox.adapters.tables`)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute

from ebox.adapters.tables.base_items import MessagesTableItem


class EboxSummaryItem(MessagesTableItem):
    number_of_messages = NumberAttribute(default=0)
    number_of_unread_messages = NumberAttribute(default=0)
    ebox_size_bytes = NumberAttribute(default=0)
    last_receipt_date = UnicodeAttribute(null=True)
    last_consultation_date = UnicodeAttribute(null=True)
    # The last stream sequence number counted here (zero-padded): the outbox counts each message once.
    counted_through = UnicodeAttribute(null=True)


class IdempotencyItem(MessagesTableItem):
    message_id = UnicodeAttribute()
    expiration_date = UnicodeAttribute()
    request_fingerprint = UnicodeAttribute()
    expires_at = NumberAttribute()


class AuditEventItem(MessagesTableItem):
    event = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    detail = JSONAttribute()
    expires_at = NumberAttribute(null=True)


class NotificationSentItem(MessagesTableItem):
    sent_at = UnicodeAttribute()
    mail_id = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    """The claim's own random id: a claim whose write's answer was lost is known again by it."""

class EvidenceItem(MessagesTableItem):
    evidence_id = UnicodeAttribute()
    sequence = NumberAttribute()
    event = UnicodeAttribute()
    jws = UnicodeAttribute()
    archived = BooleanAttribute(default=False)


class ReplyLinkItem(MessagesTableItem):
    reply_ebox = UnicodeAttribute()
    receipt_date = UnicodeAttribute()


class EvidenceHeadItem(MessagesTableItem):
    sequence = NumberAttribute()
    record_hash = UnicodeAttribute()
    head_jws = UnicodeAttribute(null=True)  # the signed head (policy v2); absent on older chains
