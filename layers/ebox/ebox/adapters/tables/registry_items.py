"""The registry table's items (reference data, read on every publication, written by administrators;
their keys and access patterns: :mod:`ebox.adapters.tables`).

Index ``ByKind`` (sparse; hash ``ref_kind``, range ``ref_id``) on organisations, applications and
message types: ``/referenceData/*`` lists a kind with one Query (ref_kind = ORGANIZATION |
APPLICATION | MESSAGE_TYPE), finds an application by its id alone with one Query (ref_id = <appId>).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from ebox.adapters.tables.base_items import RegistryItem


class EnterpriseItem(RegistryItem):
    name = UnicodeAttribute()
    active = BooleanAttribute()
    ebox_activated = BooleanAttribute()
    contact_email = UnicodeAttribute(null=True)
    routing_rules = JSONAttribute(null=True)  # ordered list of ebox.domain.partitions.RoutingRule dicts
    exclusively_ebox = BooleanAttribute(null=True)


class CitizenItem(RegistryItem):
    """A person of the national register's local stand-in (pk CITIZEN#<ssin>) and their My eBox."""

    name = UnicodeAttribute()
    ebox_activated = BooleanAttribute()
    contact_email = UnicodeAttribute(null=True)
    exclusively_ebox = BooleanAttribute(null=True)


class PartitionItem(RegistryItem):
    name = UnicodeAttribute()


class EboxUserItem(RegistryItem):
    roles = UnicodeSetAttribute()
    partitions = UnicodeSetAttribute(null=True)


class NotificationPreferenceItem(RegistryItem):
    mode = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)


class ByKindIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "ByKind"
        projection = AllProjection()

    ref_kind = UnicodeAttribute(hash_key=True)
    ref_id = UnicodeAttribute(range_key=True)


class ReferenceItem(RegistryItem):
    """Reference data listed by kind through ByKind (ref_kind ORGANIZATION | APPLICATION | MESSAGE_TYPE |
    PROVIDER): sparse, only these items carry the index's keys."""

    ref_kind = UnicodeAttribute(null=True)
    ref_id = UnicodeAttribute(null=True)
    by_kind = ByKindIndex()


class SenderOrganizationItem(ReferenceItem):
    short_name = JSONAttribute()
    long_name = JSONAttribute(null=True)


class SenderApplicationItem(ReferenceItem):
    name = JSONAttribute()
    message_type_ids = UnicodeSetAttribute()
    registered_mail_types = UnicodeSetAttribute(null=True)


class MessageProviderItem(ReferenceItem):
    """A federation message provider (pk PROVIDER#<id>), listed through ByKind (ref_kind PROVIDER)."""

    description = JSONAttribute()


class ConsentItem(RegistryItem):
    """A citizen's consent to a provider (pk CITIZEN#<ssin>, sk CONSENT#<providerId>)."""

    granted_at = UnicodeAttribute()


class MessageTypeItem(ReferenceItem):
    name = JSONAttribute()
    validity_number = NumberAttribute()
    validity_unit = UnicodeAttribute()
    audience = UnicodeAttribute(null=True)  # enterprises (when absent) | citizens | both
    business_data_keys = UnicodeSetAttribute(null=True)  # absent: any key


class OAuthClientItem(RegistryItem):
    secret_hash = UnicodeAttribute()
    enterprise_number = UnicodeAttribute(null=True)  # absent: a citizen's client
    scopes = UnicodeSetAttribute()
    ssin = UnicodeAttribute(null=True)
    message_provider_id = UnicodeAttribute(null=True)


class ExternalClientItem(RegistryItem):
    """A sender's client at the external IdP (pk IDP_CLIENT#<clientId>, sk SENDER): no secret, only who it is."""

    issuer = UnicodeAttribute()
    enterprise_number = UnicodeAttribute()
    scopes = UnicodeSetAttribute()


class SenderSuspensionItem(RegistryItem):
    """A suspended sender organisation (pk ORG#<number>, sk SUSPENSION): read on every publication, never
    cached, so that a suspension stops publications at once; deleted when the sender is reinstated."""

    reason = UnicodeAttribute()
    since = UnicodeAttribute()
    by = UnicodeAttribute()
