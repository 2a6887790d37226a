"""The registry (enterprises, senders, message types, OAuth clients) in DynamoDB."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist

from ebox.adapters.tables import (
    EnterpriseItem,
    MessageTypeItem,
    OAuthClientItem,
    SenderApplicationItem,
    SenderOrganizationItem,
)
from ebox.domain.registry import (
    Enterprise,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
    ValidityPeriod,
)

T = TypeVar("T")
# Sender trios and message types change a few times a year; a Lambda container may keep them this long.
REFERENCE_TTL_SECONDS = 300.0


class _ReferenceCache:
    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[tuple[Any, ...], tuple[float, Any]] = {}

    def get(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        value = load()
        self._entries[key] = (now + self._ttl, value)
        return value


class DynamoRegistry:
    """Reads, plus the writes an administrator (or the demo seed) makes. Sender trios and message
    types are cached for a few minutes; enterprises (whose e-Box may just have opened) never are."""

    def __init__(self, reference_ttl: float = REFERENCE_TTL_SECONDS) -> None:
        self._cache = _ReferenceCache(reference_ttl)

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        try:
            item = EnterpriseItem.get(f"ENT#{enterprise_number}", "ENTERPRISE")
        except DoesNotExist:
            return None
        return Enterprise(
            enterprise_number=enterprise_number,
            name=item.name,
            active=item.active,
            ebox_activated=item.ebox_activated,
            contact_email=item.contact_email,
        )

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        return self._cache.get(("app", organization_id, application_id),
                               lambda: self._read_sender_application(organization_id, application_id))

    def _read_sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        try:
            item = SenderApplicationItem.get(f"ORG#{organization_id}", f"APP#{application_id}")
        except DoesNotExist:
            return None
        return SenderApplication(
            organization_id=organization_id,
            application_id=application_id,
            name=item.name,
            message_type_ids=frozenset(item.message_type_ids or ()),
            registered_mail_types=frozenset(item.registered_mail_types or ()),
        )

    def sender_organization(self, organization_id: str) -> SenderOrganization | None:
        try:
            item = SenderOrganizationItem.get(f"ORG#{organization_id}", "ORGANIZATION")
        except DoesNotExist:
            return None
        return SenderOrganization(organization_id, item.short_name, item.long_name)

    def message_type(self, message_type_id: str) -> MessageType | None:
        return self._cache.get(("type", message_type_id), lambda: self._read_message_type(message_type_id))

    def _read_message_type(self, message_type_id: str) -> MessageType | None:
        try:
            item = MessageTypeItem.get(f"MSGTYPE#{message_type_id}", "MESSAGE_TYPE")
        except DoesNotExist:
            return None
        return MessageType(
            message_type_id, item.name, ValidityPeriod(int(item.validity_number), item.validity_unit)
        )

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        try:
            item = OAuthClientItem.get(f"CLIENT#{client_id}", "OAUTH_CLIENT")
        except DoesNotExist:
            return None
        return OAuthClient(client_id, item.secret_hash, item.enterprise_number, frozenset(item.scopes or ()))

    def save_enterprise(self, enterprise: Enterprise) -> None:
        EnterpriseItem(
            f"ENT#{enterprise.enterprise_number}",
            "ENTERPRISE",
            name=enterprise.name,
            active=enterprise.active,
            ebox_activated=enterprise.ebox_activated,
            contact_email=enterprise.contact_email,
        ).save()

    def save_sender_organization(self, organization: SenderOrganization) -> None:
        SenderOrganizationItem(
            f"ORG#{organization.organization_id}",
            "ORGANIZATION",
            short_name=organization.short_name,
            long_name=organization.long_name,
        ).save()

    def save_sender_application(self, application: SenderApplication) -> None:
        SenderApplicationItem(
            f"ORG#{application.organization_id}",
            f"APP#{application.application_id}",
            name=application.name,
            message_type_ids=set(application.message_type_ids),
            registered_mail_types=set(application.registered_mail_types) or None,
        ).save()

    def save_message_type(self, message_type: MessageType) -> None:
        MessageTypeItem(
            f"MSGTYPE#{message_type.message_type_id}",
            "MESSAGE_TYPE",
            name=message_type.name,
            validity_number=message_type.validity.number,
            validity_unit=message_type.validity.unit,
        ).save()

    def save_oauth_client(self, client: OAuthClient) -> None:
        OAuthClientItem(
            f"CLIENT#{client.client_id}",
            "OAUTH_CLIENT",
            secret_hash=client.secret_hash,
            enterprise_number=client.enterprise_number,
            scopes=set(client.allowed_scopes),
        ).save()
