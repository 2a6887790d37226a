"""The models bound to the deployed tables, once per cold start."""

from __future__ import annotations

from typing import Any

from pynamodb.connection import Connection
from pynamodb.models import Model

from ebox.adapters.tables import message_items, registry_items

# The first model of each table describes the table to pynamodb (keys and indexes): it must declare
# the table's indexes.
REGISTRY_MODELS: tuple[type[Model], ...] = (
    registry_items.SenderOrganizationItem,
    registry_items.SenderSuspensionItem,
    registry_items.ExternalClientItem,
    registry_items.EnterpriseItem,
    registry_items.CitizenItem,
    registry_items.MessageProviderItem,
    registry_items.ConsentItem,
    registry_items.PartitionItem,
    registry_items.EboxUserItem,
    registry_items.SenderApplicationItem,
    registry_items.MessageTypeItem,
    registry_items.OAuthClientItem,
    registry_items.NotificationPreferenceItem,
)
MESSAGE_MODELS: tuple[type[Model], ...] = (
    message_items.MessageItem,
    message_items.EboxSummaryItem,
    message_items.IdempotencyItem,
    message_items.AuditEventItem,
    message_items.NotificationSentItem,
    message_items.EvidenceItem,
    message_items.EvidenceHeadItem,
    message_items.EvidenceBundleItem,
    message_items.ReplyLinkItem,
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
