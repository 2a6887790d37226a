"""The messages table's items (their keys: :mod:`ebox.adapters.tables`): the message with its indexes,
then an e-Box's counters, idempotency claims, audit events, notifications sent, evidence chains and
reply links.

The message item also carries, as top-level attributes, what the inbox filters on: ``partition``,
``ebox_partition`` (EBOX#<number>#<partition>), ``read_status``, ``visible``, ``receipt_date``,
``expiration_date``, ``message_type_id``, ``sender_organization_id``, ``sender_application_id``,
``registered_mail`` and ``search_nl|fr|de`` (normalised text, ebox.domain.search). Two indexes
project only those (never the document), so a filtered page reads small items:

| index            | hash              | range        | served access pattern                          |
|------------------|-------------------|--------------|------------------------------------------------|
| (table)          | pk = EBOX#<n>     | sk           | inbox page, whole e-Box, no filter: one Query  |
|                  |                   |              | of page x pageSize keys, newest first          |
| ByInbox          | inbox = EBOX#<n>  | sk           | whole e-Box with filters: one Query, receipt   |
|                  | (message items    |              | dates narrowed on sk (UUIDv7), the rest in a   |
|                  | only: sparse)     |              | FilterExpression, read to its end (totalItems) |
| ByPartition      | ebox_partition    | sk           | a person's inbox: one Query per partition they |
|                  |                   |              | hold rights on (a bounded few), merged by sk   |
| ByAction         | action_ebox       | action_due   | messages "for action" still TODO (sparse: the  |
|                  | = EBOX#<n>        | = <dueDate>#<id> | attributes exist only while TODO): one Query,  |
|                  |                   |              | soonest due first; overdue = action_due < today  |
|                  |                   |              | (key condition); a person's partitions and the   |
|                  |                   |              | other filters in a FilterExpression             |
One index per v2.1 filter (docs/decisions/0020-inbox-indexes.md), keyed from the message item by
ebox.adapters.item_keys.facet_keys, range ``sk`` (newest first) unless said; each projects only what
never changes (FACET_ATTRIBUTES; ByReadState also ``visible``):
| index            | hash                                   | served filter                            |
|------------------|----------------------------------------|------------------------------------------|
| ByReadState      | read_key = EBOX#<n>#READ or #UNREAD    | readStatus (mark_read moves it); both    |
|                  |                                        | halves merged: the whole e-Box, slim     |
| ByVisibility     | visibility_key = EBOX#<n>#HIDDEN       | visible=false (sparse: hidden messages   |
|                  |                                        | only; visible=true reads ByInbox)        |
| ByRegistered     | registered_ebox = EBOX#<n> (sparse)    | registeredMail=true                      |
| ByApplication    | application_key = EBOX#<n>#<appId>     | senderApplicationId                      |
| ByType           | type_key = EBOX#<n>#<typeId>           | messageTypeId                            |
| BySender         | sender_key = EBOX#<n>#<orgId>          | senderOrganizationId                     |
| ByExpiration     | pk, range expiration_key = <date>#<id> | expiredBefore / expiredAfter             |
The page reads the first filter's index (ebox.adapters.inbox_pages.plan_page), the other filters and
the reader's partitions in a FilterExpression within a bounded budget.
Then one BatchGetItem on the table fetches the page's (at most 100) full items and the counters. Marking an action done
sets ``action_status`` DONE (conditional on TODO: done once) and removes ``action_ebox``/``action_due``,
so it leaves ByAction in the same write.

The scheduled notifications (ebox.pipeline.scheduled_notifications) find their messages by day, never
by scanning: ``receipt_day`` and ``expiration_day`` hold ``<YYYY-MM-DD>#<shard>`` (UTC day, shard 0-7
from the message id, so that a day's writes spread over 8 index partitions):

| index            | hash                      | range | served access pattern                           |
|------------------|---------------------------|-------|-------------------------------------------------|
| ByReceiptDay     | receipt_day = <day>#<s>   | sk    | messages received on a day: 8 Queries (one per  |
|                  |                           |       | shard) for the daily digest (yesterday) and the |
|                  |                           |       | 15-day reminder (today - 15), unread ones only  |
| ByExpirationDay  | expiration_day = <day>#<s>| sk    | messages expiring on a day: 8 Queries for the   |
|                  |                           |       | 7-day alert (today + 7), unread ones only       |
Both project ``partition`` and ``read_status`` (and the keys, hence the e-Box): who is concerned and
whether to skip is known from the index; the e-mails' texts come from one BatchGetItem per 100.

A sender's published messages (``GET /messageRegistry/v3/sentMessages``):

| index    | hash                   | range | served access pattern                                     |
|----------|------------------------|-------|-----------------------------------------------------------|
| SentBy   | sender_organization_id | sk    | one Query of pageSize + 1 keys, newest first (the page's  |
|          |                        |       | cursor is a key condition sk < MSG#<last id>), then one    |
|          |                        |       | BatchGetItem; keys only, so reading a message or marking  |
|          |                        |       | it done never writes to this index                        |
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import BinaryAttribute, BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection

from ebox.adapters.tables.base_items import MessagesTableItem

FILTERED_ATTRIBUTES = ["partition", "read_status", "visible", "receipt_date", "expiration_date", "message_type_id",
                       "sender_organization_id", "sender_application_id", "registered_mail", "search_nl",
                       "search_fr", "search_de"]


class ByInboxIndex(GlobalSecondaryIndex["MessageItem"]):
    """Every message of an e-Box, newest first. Keyed on ``inbox``, which only message items carry, so that
    the table's other items (evidence, claims, counters, audit lines) are not copied into it
    (docs/decisions/0023-message-item-cost.md)."""

    class Meta:
        index_name = "ByInbox"
        projection = IncludeProjection(FILTERED_ATTRIBUTES)

    inbox = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByPartitionIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByPartition"
        projection = IncludeProjection(FILTERED_ATTRIBUTES)

    ebox_partition = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByActionIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByAction"
        projection = IncludeProjection(FILTERED_ATTRIBUTES)

    action_ebox = UnicodeAttribute(hash_key=True)
    action_due = UnicodeAttribute(range_key=True)


# The facet indexes (ebox.adapters.inbox_pages): one GSI per v2.1 filter, keyed by the e-Box and the filter's
# value, projecting only what never changes (so that reading or hiding a message rewrites none of them),
# plus ``visible`` in ByReadState (a page filtered on both reads there).
FACET_ATTRIBUTES = ["partition", "receipt_date", "expiration_date", "message_type_id", "sender_organization_id",
                    "sender_application_id", "registered_mail"]


class ByReadStateIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByReadState"
        projection = IncludeProjection([*FACET_ATTRIBUTES, "visible"])

    read_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByVisibilityIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByVisibility"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    visibility_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByTypeIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByType"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    type_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class BySenderIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "BySender"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    sender_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByApplicationIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByApplication"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    application_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByRegisteredIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByRegistered"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    registered_ebox = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByExpirationIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByExpiration"
        projection = IncludeProjection(FACET_ATTRIBUTES)

    pk = UnicodeAttribute(hash_key=True)
    expiration_key = UnicodeAttribute(range_key=True)


DAY_INDEX_ATTRIBUTES = ["partition", "read_status"]


class ByReceiptDayIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByReceiptDay"
        projection = IncludeProjection(DAY_INDEX_ATTRIBUTES)

    receipt_day = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class ByExpirationDayIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByExpirationDay"
        projection = IncludeProjection(DAY_INDEX_ATTRIBUTES)

    expiration_day = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class SentByIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "SentBy"
        projection = KeysOnlyProjection()

    sender_organization_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CompactJSONAttribute(JSONAttribute):
    """JSON without spaces and with its text as UTF-8 (an accent is 2 bytes, not a 6-byte escape): what an
    item weighs is what its write costs. Read back by any JSON reader, the older releases' too."""

    def serialize(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class MessageItem(MessagesTableItem):
    message_id = UnicodeAttribute()
    document = CompactJSONAttribute()  # the Message less what the other attributes hold (ebox.adapters.stored_document)
    read_status = BooleanAttribute(default=False)
    visible = BooleanAttribute(default=True)
    read_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    delivery_state = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    delivery_answer = UnicodeAttribute(null=True)  # qualified mail: the recipient's answer, once given
    delivery_execution = UnicodeAttribute(null=True)  # qualified mail: the execution that waits for it
    # What the inbox filters on, beside the document (see the indexes above).
    inbox = UnicodeAttribute(null=True)  # EBOX#<n>: ByInbox's key (older items: backfill_index_keys)
    partition = UnicodeAttribute(null=True)
    ebox_partition = UnicodeAttribute(null=True)
    receipt_date = UnicodeAttribute(null=True)
    expiration_date = UnicodeAttribute(null=True)
    message_type_id = UnicodeAttribute(null=True)
    sender_organization_id = UnicodeAttribute(null=True)
    sender_application_id = UnicodeAttribute(null=True)
    registered_mail = BooleanAttribute(null=True)
    search_nl = UnicodeAttribute(null=True)
    search_fr = UnicodeAttribute(null=True)
    search_de = UnicodeAttribute(null=True)
    # A message "for action": its status beside the document (the action itself is in the document).
    action_status = UnicodeAttribute(null=True)
    action_done_at = UnicodeAttribute(null=True)
    action_done_by = UnicodeAttribute(null=True)
    action_ebox = UnicodeAttribute(null=True)  # ByAction's keys, present only while the action is TODO
    action_due = UnicodeAttribute(null=True)
    receipt_day = UnicodeAttribute(null=True)  # <YYYY-MM-DD>#<shard>: the scheduled notifications' indexes
    expiration_day = UnicodeAttribute(null=True)
    # The facet indexes' keys (see FACET_ATTRIBUTES): EBOX#<n>#READ|UNREAD, EBOX#<n>#HIDDEN on hidden ones only,
    # EBOX#<n>#<messageTypeId>, EBOX#<n>#<senderOrganizationId>, EBOX#<n>#<senderApplicationId>, EBOX#<n> on
    # registered mail only (sparse), <expirationDate>#<messageId>.
    read_key = UnicodeAttribute(null=True)
    visibility_key = UnicodeAttribute(null=True)
    type_key = UnicodeAttribute(null=True)
    sender_key = UnicodeAttribute(null=True)
    application_key = UnicodeAttribute(null=True)
    registered_ebox = UnicodeAttribute(null=True)
    expiration_key = UnicodeAttribute(null=True)
    by_inbox = ByInboxIndex()
    by_partition = ByPartitionIndex()
    by_action = ByActionIndex()
    by_receipt_day = ByReceiptDayIndex()
    by_expiration_day = ByExpirationDayIndex()
    by_read_state = ByReadStateIndex()
    by_visibility = ByVisibilityIndex()
    by_type = ByTypeIndex()
    by_sender = BySenderIndex()
    by_application = ByApplicationIndex()
    by_registered = ByRegisteredIndex()
    by_expiration = ByExpirationIndex()
    sent_by = SentByIndex()


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
    expires_at = NumberAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    """The claim's own random id: a claim whose write's answer was lost is known again by it."""

class EvidenceItem(MessagesTableItem):
    evidence_id = UnicodeAttribute()
    sequence = NumberAttribute()
    event = UnicodeAttribute()
    jws = UnicodeAttribute()


class ReplyLinkItem(MessagesTableItem):
    reply_ebox = UnicodeAttribute()
    receipt_date = UnicodeAttribute()


class EvidenceHeadItem(MessagesTableItem):
    """The head of a chain written before decision 0025 (``EVIDENCE_HEAD``); newer chains keep it in their first
    item (EvidenceBundleItem)."""

    sequence = NumberAttribute()
    record_hash = UnicodeAttribute()
    head_jws = UnicodeAttribute(null=True)  # the signed head (policy v2); absent on older chains


class EvidenceBundleItem(MessagesTableItem):
    """A chain's first records (a publication's, a rejection's) in one item, ``EVIDENCE#0001``: their compact JWS
    packed and compressed (ebox.adapters.evidence_packing); later records are EvidenceItems beside it. Its
    attributes are EvidenceItem's too, all optional, so that one Query reads either kind.

    Written since decision 0025, it also holds the chain's head: ``head_sequence`` and the signed head, packed
    (``head``; the last record's hash is in its claims), or for a chain without a signed head the last record's
    hash (``head_hash``); an append moves the head by setting these alone. Bundles written before (decision
    0022) have none of them: their head is an EvidenceHeadItem."""

    records = BinaryAttribute(null=True, legacy_encoding=False)
    head_sequence = NumberAttribute(null=True)
    head = BinaryAttribute(null=True, legacy_encoding=False)
    head_hash = UnicodeAttribute(null=True)
    evidence_id = UnicodeAttribute(null=True)
    sequence = NumberAttribute(null=True)
    event = UnicodeAttribute(null=True)
    jws = UnicodeAttribute(null=True)
