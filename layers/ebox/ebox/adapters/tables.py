"""DynamoDB items, as pynamodb models, and the access patterns they serve.

Two tables, both keyed on ``pk`` (partition) and ``sk`` (sort):

Registry table (reference data, read on every publication, written by administrators):
| item                 | pk                | sk              | served access pattern                        |
|----------------------|-------------------|-----------------|----------------------------------------------|
| enterprise           | ENT#<number>      | ENTERPRISE      | GetItem: is the recipient active, e-Box open,|
|                      |                   |                 | its routing rules (in the same item, so      |
|                      |                   |                 | routing costs no read), digital-only flag    |
| partition            | ENT#<number>      | PARTITION#<id>  | Query begins_with: the e-Box's partitions    |
| user                 | ENT#<number>      | USER#<ssin>     | GetItem: a person's roles and partition      |
|                      |                   |                 | rights (once per request); Query: the users  |
| sender organisation  | ORG#<number>      | ORGANIZATION    | GetItem: names for reference data            |
| sender application   | ORG#<number>      | APP#<appId>     | GetItem: the registered trio                 |
| message type         | MSGTYPE#<typeId>  | MESSAGE_TYPE    | GetItem: validity period                     |
| OAuth client         | CLIENT#<clientId> | OAUTH_CLIENT    | GetItem: token endpoint                      |
| sender suspension    | ORG#<number>      | SUSPENSION      | GetItem (uncached) on every publication      |
| sender request       | SENDER_REQUEST    | <requestId>     | Query: the operator's list (onboarding_store)|
| callback endpoint    | CALLBACK#<org>    | APP#<appId>     | Query per event: the sender's endpoints      |
|                      |                   |                 | (callback_store; its deliveries are in the   |
|                      |                   |                 | messages table, CALLBACK#<org>/DELIVERY#<id>)|
| notification         | ENT#<number>      | NOTIFY#<ssin>   | GetItem: a person's preference (API); Query  |
| preference           |                   |                 | begins_with: an e-Box's preferences, once    |
|                      |                   |                 | per notified message or e-Box and digest day |

Index ``ByKind`` (sparse; hash ``ref_kind``, range ``ref_id``) on organisations, applications and
message types: ``/referenceData/*`` lists a kind with one Query (ref_kind = ORGANIZATION |
APPLICATION | MESSAGE_TYPE), finds an application by its id alone with one Query (ref_id = <appId>).

Messages table (one partition per e-Box):
| item        | pk                              | sk           | served access pattern                            |
|-------------|---------------------------------|--------------|--------------------------------------------------|
| message     | EBOX#<number>                   | MSG#<uuid7>  | Query begins_with MSG#, newest first (uuid7 is   |
|             |                                 |              | time-ordered); GetItem by (e-Box, messageId), so |
|             |                                 |              | another e-Box's message is simply not found      |
| summary     | EBOX#<number>                   | SUMMARY      | GetItem: counts; updated in the same transaction |
| partition   | EBOX#<number>                   | SUMMARY#<partition> | the same counts for one partition: a  |
| summary     |                                 |              | person's summary and totalItems (BatchGetItem)   |
| idempotency | IDEMPOTENCY#<org>#<app>#<key>   | CLAIM        | GetItem + conditional Put in the transaction     |
| audit event | MSG#<messageId>                 | AUDIT#<time>#<event> | Query: a message's audit trail           |
| notified    | MSG#<messageId>                 | NOTIFIED     | conditional Put: e-mail sent once (contact addr.)|
| notified    | MSG#<messageId>                 | NOTIFIED#<kind>#<ssin or CONTACT or EVENT> | conditional |
|             |                                 |              | Put: one e-mail (or event) per kind (NEW,        |
|             |                                 |              | REMINDER, EXPIRY) and recipient; deleted if SES  |
|             |                                 |              | refuses, so a retry sends it                     |
| digest sent | DIGEST#<number>#<YYYY-MM-DD>    | NOTIFIED#DIGEST#<ssin> | the same, per person and digest day    |
| evidence    | MSG#<messageId>                 | EVIDENCE#<seq:04> | Query: the message's chain, in order        |
| chain head  | MSG#<messageId>                 | EVIDENCE_HEAD | GetItem; conditional on `sequence` in the     |
|             |                                 |              | transaction that appends, so chains never fork   |
| reply link  | MSG#<originalId>                | REPLY#<replyId> | Query begins_with REPLY#: the replies sent to |
|             |                                 |              | a message (its view lists them; the inbox filter |
|             |                                 |              | originalMessageId reads them, then BatchGetItem);|
|             |                                 |              | written in the reply's publication transaction   |

The message item also carries, as top-level attributes, what the inbox filters on: ``partition``,
``ebox_partition`` (EBOX#<number>#<partition>), ``read_status``, ``visible``, ``receipt_date``,
``expiration_date``, ``message_type_id``, ``sender_organization_id``, ``sender_application_id``,
``registered_mail`` and ``search_nl|fr|de`` (normalised text, ebox.domain.search). Two indexes
project only those (never the document), so a filtered page reads small items:

| index            | hash              | range        | served access pattern                          |
|------------------|-------------------|--------------|------------------------------------------------|
| (table)          | pk = EBOX#<n>     | sk           | inbox page, whole e-Box, no filter: one Query  |
|                  |                   |              | of page x pageSize keys, newest first          |
| ByEbox           | pk = EBOX#<n>     | sk           | whole e-Box with filters: one Query, receipt   |
|                  |                   |              | dates narrowed on sk (UUIDv7), the rest in a   |
|                  |                   |              | FilterExpression, read to its end (totalItems) |
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
| ByVisibility     | visibility_key = EBOX#<n>#VISIBLE|HIDDEN | visible (set_visibility moves it)      |
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

No request path scans. Items expire through the ``expires_at`` TTL attribute.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model


class _Keyed(Model):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class EnterpriseItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    name = UnicodeAttribute()
    active = BooleanAttribute()
    ebox_activated = BooleanAttribute()
    contact_email = UnicodeAttribute(null=True)
    routing_rules = JSONAttribute(null=True)  # ordered list of ebox.domain.partitions.RoutingRule dicts
    exclusively_ebox = BooleanAttribute(null=True)


class CitizenItem(_Keyed):
    """A person of the national register's local stand-in (pk CITIZEN#<ssin>) and their My eBox."""

    class Meta:
        table_name = "unbound-registry"

    name = UnicodeAttribute()
    ebox_activated = BooleanAttribute()
    contact_email = UnicodeAttribute(null=True)
    exclusively_ebox = BooleanAttribute(null=True)


class PartitionItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    name = UnicodeAttribute()


class EboxUserItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    roles = UnicodeSetAttribute()
    partitions = UnicodeSetAttribute(null=True)


class NotificationPreferenceItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    mode = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)


class ByKindIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "ByKind"
        projection = AllProjection()

    ref_kind = UnicodeAttribute(hash_key=True)
    ref_id = UnicodeAttribute(range_key=True)


class SenderOrganizationItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    ref_kind = UnicodeAttribute(null=True)
    ref_id = UnicodeAttribute(null=True)
    by_kind = ByKindIndex()

    short_name = JSONAttribute()
    long_name = JSONAttribute(null=True)


class SenderApplicationItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    ref_kind = UnicodeAttribute(null=True)
    ref_id = UnicodeAttribute(null=True)
    by_kind = ByKindIndex()

    name = JSONAttribute()
    message_type_ids = UnicodeSetAttribute()
    registered_mail_types = UnicodeSetAttribute(null=True)


class MessageProviderItem(_Keyed):
    """A federation message provider (pk PROVIDER#<id>), listed through ByKind (ref_kind PROVIDER)."""

    class Meta:
        table_name = "unbound-registry"

    ref_kind = UnicodeAttribute(null=True)
    ref_id = UnicodeAttribute(null=True)
    by_kind = ByKindIndex()
    description = JSONAttribute()


class ConsentItem(_Keyed):
    """A citizen's consent to a provider (pk CITIZEN#<ssin>, sk CONSENT#<providerId>)."""

    class Meta:
        table_name = "unbound-registry"

    granted_at = UnicodeAttribute()


class MessageTypeItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    ref_kind = UnicodeAttribute(null=True)
    ref_id = UnicodeAttribute(null=True)
    by_kind = ByKindIndex()

    name = JSONAttribute()
    validity_number = NumberAttribute()
    validity_unit = UnicodeAttribute()
    audience = UnicodeAttribute(null=True)  # enterprises (when absent) | citizens | both
    business_data_keys = UnicodeSetAttribute(null=True)  # absent: any key


class OAuthClientItem(_Keyed):
    class Meta:
        table_name = "unbound-registry"

    secret_hash = UnicodeAttribute()
    enterprise_number = UnicodeAttribute(null=True)  # absent: a citizen's client
    scopes = UnicodeSetAttribute()
    ssin = UnicodeAttribute(null=True)
    message_provider_id = UnicodeAttribute(null=True)


class SenderSuspensionItem(_Keyed):
    """A suspended sender organisation (pk ORG#<number>, sk SUSPENSION): read on every publication, never
    cached, so that a suspension stops publications at once; deleted when the sender is reinstated."""

    class Meta:
        table_name = "unbound-registry"

    reason = UnicodeAttribute()
    since = UnicodeAttribute()
    by = UnicodeAttribute()


FILTERED_ATTRIBUTES = ["partition", "read_status", "visible", "receipt_date", "expiration_date", "message_type_id",
                       "sender_organization_id", "sender_application_id", "registered_mail", "search_nl",
                       "search_fr", "search_de"]


class ByEboxIndex(GlobalSecondaryIndex["MessageItem"]):
    class Meta:
        index_name = "ByEbox"
        projection = IncludeProjection(FILTERED_ATTRIBUTES)

    pk = UnicodeAttribute(hash_key=True)
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


class MessageItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    message_id = UnicodeAttribute()
    document = JSONAttribute()  # the Message, as ebox.adapters.message_codec writes it
    read_status = BooleanAttribute(default=False)
    visible = BooleanAttribute(default=True)
    read_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    delivery_state = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    delivery_answer = UnicodeAttribute(null=True)  # qualified mail: the recipient's answer, once given
    delivery_execution = UnicodeAttribute(null=True)  # qualified mail: the execution that waits for it
    # What the inbox filters on, beside the document (see the indexes above).
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
    # The facet indexes' keys (see FACET_ATTRIBUTES): EBOX#<n>#READ|UNREAD, EBOX#<n>#VISIBLE|HIDDEN,
    # EBOX#<n>#<messageTypeId>, EBOX#<n>#<senderOrganizationId>, EBOX#<n>#<senderApplicationId>, EBOX#<n> on
    # registered mail only (sparse), <expirationDate>#<messageId>.
    read_key = UnicodeAttribute(null=True)
    visibility_key = UnicodeAttribute(null=True)
    type_key = UnicodeAttribute(null=True)
    sender_key = UnicodeAttribute(null=True)
    application_key = UnicodeAttribute(null=True)
    registered_ebox = UnicodeAttribute(null=True)
    expiration_key = UnicodeAttribute(null=True)
    by_ebox = ByEboxIndex()
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


class EboxSummaryItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    number_of_messages = NumberAttribute(default=0)
    number_of_unread_messages = NumberAttribute(default=0)
    ebox_size_bytes = NumberAttribute(default=0)
    last_receipt_date = UnicodeAttribute(null=True)
    last_consultation_date = UnicodeAttribute(null=True)
    # The last stream sequence number counted here (zero-padded): the outbox counts each message once.
    counted_through = UnicodeAttribute(null=True)


class IdempotencyItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    message_id = UnicodeAttribute()
    expiration_date = UnicodeAttribute()
    request_fingerprint = UnicodeAttribute()
    expires_at = NumberAttribute()


class AuditEventItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    event = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    detail = JSONAttribute()
    expires_at = NumberAttribute(null=True)


class NotificationSentItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    sent_at = UnicodeAttribute()
    mail_id = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)
    """The claim's own random id: a claim whose write's answer was lost is known again by it."""


class EvidenceItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    evidence_id = UnicodeAttribute()
    sequence = NumberAttribute()
    event = UnicodeAttribute()
    jws = UnicodeAttribute()
    archived = BooleanAttribute(default=False)


class ReplyLinkItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    reply_ebox = UnicodeAttribute()
    receipt_date = UnicodeAttribute()


class EvidenceHeadItem(_Keyed):
    class Meta:
        table_name = "unbound-messages"

    sequence = NumberAttribute()
    record_hash = UnicodeAttribute()
    head_jws = UnicodeAttribute(null=True)  # the signed head (policy v2); absent on older chains


# The first model of each table describes the table to pynamodb (keys and indexes): it must declare
# the table's indexes.
REGISTRY_MODELS: tuple[type[Model], ...] = (
    SenderOrganizationItem,
    SenderSuspensionItem,
    EnterpriseItem,
    CitizenItem,
    MessageProviderItem,
    ConsentItem,
    PartitionItem,
    EboxUserItem,
    SenderApplicationItem,
    MessageTypeItem,
    OAuthClientItem,
    NotificationPreferenceItem,
)
MESSAGE_MODELS: tuple[type[Model], ...] = (
    MessageItem,
    EboxSummaryItem,
    IdempotencyItem,
    AuditEventItem,
    NotificationSentItem,
    EvidenceItem,
    EvidenceHeadItem,
    ReplyLinkItem,
)


def bind_tables(*, registry_table: str, messages_table: str, region: str, endpoint_url: str | None) -> Connection:
    """Points the models at the deployed tables; called once per cold start, never at import.

    Every model of a table shares one table connection, and all share one botocore client: building
    a client per model class costs ~50 ms each on a cold start. Returns the shared connection (for
    transactions)."""
    connection = Connection(region=region, host=endpoint_url)
    for models, table in ((REGISTRY_MODELS, registry_table), (MESSAGE_MODELS, messages_table)):
        for model in models:
            meta: Any = model.Meta
            meta.table_name = table
            meta.region = region
            meta.host = endpoint_url
            model._connection = None
        table_connection = models[0]._get_connection()
        connection.add_meta_table(table_connection.connection.get_meta_table(table))
        table_connection.connection = connection
        for model in models[1:]:
            model._connection = table_connection
    return connection
