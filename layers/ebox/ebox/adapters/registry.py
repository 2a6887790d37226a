"""The registry (enterprises, senders, message types, OAuth clients) in DynamoDB."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from ebox.adapters.aws_errors import classified, put_if_absent
from ebox.adapters.tables.registry_items import (
    CitizenItem,
    ConsentItem,
    EboxUserItem,
    EnterpriseItem,
    ExternalClientItem,
    MessageProviderItem,
    MessageTypeItem,
    OAuthClientItem,
    PartitionItem,
    SenderApplicationItem,
    SenderOrganizationItem,
    SenderSuspensionItem,
)
from ebox.domain.partitions import GENERAL, EboxUser, Partition, RoutingRule, rules_from_dicts
from ebox.domain.providers import Consent, MessageProvider
from ebox.domain.recipients import CITIZEN, ebox_type_of
from ebox.domain.registry import (
    Citizen,
    Enterprise,
    ExternalClient,
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

    def forget(self, key: tuple[Any, ...]) -> None:
        self._entries.pop(key, None)


class DynamoRegistry:
    """Reads, plus the writes an administrator (or the demo seed) makes. Sender trios and message
    types are cached for a few minutes; enterprises (whose e-Box may just have opened) never are."""

    def __init__(self, reference_ttl: float = REFERENCE_TTL_SECONDS) -> None:
        self._cache = _ReferenceCache(reference_ttl)

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        item = EnterpriseItem.find(f"ENT#{enterprise_number}", "ENTERPRISE")
        if item is None:
            return None
        return enterprise_of(enterprise_number, item)

    def enterprises(self, enterprise_numbers: list[str]) -> dict[str, Enterprise | None]:
        """Many enterprises in one BatchGetItem per hundred (a bulk chunk's recipients); absent ones None."""
        found: dict[str, Enterprise | None] = dict.fromkeys(enterprise_numbers)
        with classified(f"could not read {len(enterprise_numbers)} enterprises"):
            for item in EnterpriseItem.batch_get([(f"ENT#{n}", "ENTERPRISE") for n in enterprise_numbers]):
                number = item.pk.removeprefix("ENT#")
                found[number] = enterprise_of(number, item)
        return found

    def citizen(self, ssin: str) -> Citizen | None:
        item = CitizenItem.find(f"CITIZEN#{ssin}", "CITIZEN")
        return None if item is None else citizen_of(ssin, item)

    def save_citizen(self, citizen: Citizen) -> None:
        CitizenItem(f"CITIZEN#{citizen.ssin}", "CITIZEN", name=citizen.name, ebox_activated=citizen.ebox_activated,
                    contact_email=citizen.contact_email, exclusively_ebox=citizen.exclusively_ebox or None).save()

    # ---- federation: message providers and citizens' consents to them

    def message_providers(self) -> list[MessageProvider]:
        return [MessageProvider(i.ref_id or "", dict(i.description))
                for i in MessageProviderItem.by_kind.query("PROVIDER")]

    def message_provider(self, provider_id: str) -> MessageProvider | None:
        item = MessageProviderItem.find(f"PROVIDER#{provider_id}", "PROVIDER")
        if item is None:
            return None
        return MessageProvider(provider_id, dict(item.description))

    def save_message_provider(self, provider: MessageProvider) -> None:
        MessageProviderItem(f"PROVIDER#{provider.provider_id}", "PROVIDER", description=provider.description,
                            ref_kind="PROVIDER", ref_id=provider.provider_id).save()

    def consent(self, ssin: str, provider_id: str) -> Consent | None:
        item = ConsentItem.find(f"CITIZEN#{ssin}", f"CONSENT#{provider_id}")
        if item is None:
            return None
        return Consent(ssin, provider_id, item.granted_at)

    def consents(self, ssin: str) -> list[Consent]:
        return [Consent(ssin, i.sk.removeprefix("CONSENT#"), i.granted_at)
                for i in ConsentItem.query(f"CITIZEN#{ssin}", ConsentItem.sk.startswith("CONSENT#"))]

    def save_consent(self, consent: Consent) -> None:
        ConsentItem(f"CITIZEN#{consent.ssin}", f"CONSENT#{consent.provider_id}", granted_at=consent.granted_at).save()

    def delete_consent(self, ssin: str, provider_id: str) -> None:
        ConsentItem(f"CITIZEN#{ssin}", f"CONSENT#{provider_id}").delete()

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        return self._cache.get(("app", organization_id, application_id),
                               lambda: self._read_sender_application(organization_id, application_id))

    def _read_sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        item = SenderApplicationItem.find(f"ORG#{organization_id}", f"APP#{application_id}")
        if item is None:
            return None
        return SenderApplication(
            organization_id=organization_id,
            application_id=application_id,
            name=item.name,
            message_type_ids=frozenset(item.message_type_ids or ()),
            registered_mail_types=frozenset(item.registered_mail_types or ()),
        )

    def sender_organization(self, organization_id: str) -> SenderOrganization | None:
        return self._cache.get(("org", organization_id), lambda: self._read_sender_organization(organization_id))

    def _read_sender_organization(self, organization_id: str) -> SenderOrganization | None:
        item = SenderOrganizationItem.find(f"ORG#{organization_id}", "ORGANIZATION")
        if item is None:
            return None
        return SenderOrganization(organization_id, item.short_name, item.long_name)

    def sender_suspended(self, organization_id: str) -> bool:
        """Never cached: a suspension stops the sender's publications at once, in every container."""
        return SenderSuspensionItem.find(f"ORG#{organization_id}", "SUSPENSION", consistent_read=True) is not None

    def suspend_sender(self, organization_id: str, *, reason: str, since: str, by: str) -> None:
        SenderSuspensionItem(f"ORG#{organization_id}", "SUSPENSION", reason=reason, since=since, by=by).save()

    def reinstate_sender(self, organization_id: str) -> None:
        SenderSuspensionItem(f"ORG#{organization_id}", "SUSPENSION").delete()

    def message_type(self, message_type_id: str) -> MessageType | None:
        return self._cache.get(("type", message_type_id), lambda: self._read_message_type(message_type_id))

    def stored_message_type(self, message_type_id: str) -> MessageType | None:
        return self._read_message_type(message_type_id)

    def _read_message_type(self, message_type_id: str) -> MessageType | None:
        item = MessageTypeItem.find(f"MSGTYPE#{message_type_id}", "MESSAGE_TYPE")
        if item is None:
            return None
        return MessageType(message_type_id, item.name, ValidityPeriod(int(item.validity_number), item.validity_unit),
                           item.audience or "enterprises", frozenset(item.business_data_keys or ()))

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        item = OAuthClientItem.find(f"CLIENT#{client_id}", "OAUTH_CLIENT")
        if item is None:
            return None
        return OAuthClient(client_id, item.secret_hash, item.enterprise_number, frozenset(item.scopes or ()),
                           item.ssin, item.message_provider_id)

    def external_client(self, client_id: str) -> ExternalClient | None:
        """A sender's client at the external IdP; found ones are cached like trios (read on every request)."""
        found = self._cache.get(("idp-client", client_id), lambda: self._read_external_client(client_id))
        if found is None:
            self._cache.forget(("idp-client", client_id))  # approved a moment later: accepted at once
        return found

    def _read_external_client(self, client_id: str) -> ExternalClient | None:
        item = ExternalClientItem.find(f"IDP_CLIENT#{client_id}", "SENDER")
        if item is None:
            return None
        return ExternalClient(client_id, item.issuer, item.enterprise_number, frozenset(item.scopes or ()))

    def add_external_client(self, client: ExternalClient) -> bool:
        item = ExternalClientItem(f"IDP_CLIENT#{client.client_id}", "SENDER", issuer=client.issuer,
                                  enterprise_number=client.enterprise_number, scopes=set(client.allowed_scopes))
        return put_if_absent(item, failure=f"could not add the external client {client.client_id}")

    # ---- reference data, listed through the sparse ByKind index (one Query per kind, cached)

    def message_types(self) -> list[MessageType]:
        return self._cache.get(("all", "types"), lambda: [
            MessageType(i.ref_id or "", i.name, ValidityPeriod(int(i.validity_number), i.validity_unit),
                        i.audience or "enterprises")
            for i in MessageTypeItem.by_kind.query("MESSAGE_TYPE")])

    def sender_organizations(self) -> list[SenderOrganization]:
        return self._cache.get(("all", "orgs"), lambda: [
            SenderOrganization(i.ref_id or "", i.short_name, i.long_name)
            for i in SenderOrganizationItem.by_kind.query("ORGANIZATION")])

    def sender_applications(self) -> list[SenderApplication]:
        return self._cache.get(("all", "apps"), lambda: [
            SenderApplication(i.pk.removeprefix("ORG#"), i.ref_id or "", i.name, frozenset(i.message_type_ids or ()),
                              frozenset(i.registered_mail_types or ()))
            for i in SenderApplicationItem.by_kind.query("APPLICATION")])

    # ---- an e-Box's organisation: partitions, users, routing rules, digital-only preference

    def ebox_user(self, enterprise_number: str, ssin: str) -> EboxUser | None:
        item = EboxUserItem.find(f"ENT#{enterprise_number}", f"USER#{ssin}")
        if item is None:
            return None
        return EboxUser(ssin, frozenset(item.roles or ()), frozenset(item.partitions or ()))

    def ebox_users(self, enterprise_number: str) -> list[EboxUser]:
        items = EboxUserItem.query(f"ENT#{enterprise_number}", EboxUserItem.sk.startswith("USER#"))
        return [EboxUser(i.sk.removeprefix("USER#"), frozenset(i.roles or ()), frozenset(i.partitions or ()))
                for i in items]

    def partitions(self, enterprise_number: str) -> list[Partition]:
        items = PartitionItem.query(f"ENT#{enterprise_number}", PartitionItem.sk.startswith("PARTITION#"))
        found = [Partition(i.sk.removeprefix("PARTITION#"), i.name) for i in items]
        if not any(p.partition_id == GENERAL for p in found):
            found.insert(0, Partition(GENERAL, "General"))
        return found

    def save_partition(self, enterprise_number: str, partition: Partition) -> None:
        PartitionItem(f"ENT#{enterprise_number}", f"PARTITION#{partition.partition_id}", name=partition.name).save()

    def save_ebox_user(self, enterprise_number: str, user: EboxUser) -> None:
        EboxUserItem(f"ENT#{enterprise_number}", f"USER#{user.ssin}", roles=set(user.roles),
                     partitions=set(user.partitions) or None).save()

    def save_routing_rules(self, enterprise_number: str, rules: list[RoutingRule]) -> None:
        EnterpriseItem(f"ENT#{enterprise_number}", "ENTERPRISE").update(
            actions=[EnterpriseItem.routing_rules.set([r.to_dict() for r in rules])],
            condition=EnterpriseItem.pk.exists())

    def save_exclusively_ebox(self, ebox_id: str, exclusively: bool) -> None:
        if ebox_type_of(ebox_id) == CITIZEN:
            CitizenItem(f"CITIZEN#{ebox_id}", "CITIZEN").update(
                actions=[CitizenItem.exclusively_ebox.set(exclusively)], condition=CitizenItem.pk.exists())
            return
        EnterpriseItem(f"ENT#{ebox_id}", "ENTERPRISE").update(
            actions=[EnterpriseItem.exclusively_ebox.set(exclusively)], condition=EnterpriseItem.pk.exists())

    def save_enterprise(self, enterprise: Enterprise) -> None:
        EnterpriseItem(
            f"ENT#{enterprise.enterprise_number}",
            "ENTERPRISE",
            name=enterprise.name,
            active=enterprise.active,
            ebox_activated=enterprise.ebox_activated,
            contact_email=enterprise.contact_email,
            routing_rules=[r.to_dict() for r in enterprise.routing_rules] or None,
            exclusively_ebox=enterprise.exclusively_ebox or None,
        ).save()

    def save_sender_organization(self, organization: SenderOrganization) -> None:
        SenderOrganizationItem(
            f"ORG#{organization.organization_id}",
            "ORGANIZATION",
            short_name=organization.short_name,
            long_name=organization.long_name,
            ref_kind="ORGANIZATION",
            ref_id=organization.organization_id,
        ).save()

    def save_sender_application(self, application: SenderApplication) -> None:
        SenderApplicationItem(
            f"ORG#{application.organization_id}",
            f"APP#{application.application_id}",
            name=application.name,
            message_type_ids=set(application.message_type_ids),
            registered_mail_types=set(application.registered_mail_types) or None,
            ref_kind="APPLICATION",
            ref_id=application.application_id,
        ).save()

    def save_message_type(self, message_type: MessageType) -> None:
        MessageTypeItem(
            f"MSGTYPE#{message_type.message_type_id}",
            "MESSAGE_TYPE",
            name=message_type.name,
            validity_number=message_type.validity.number,
            validity_unit=message_type.validity.unit,
            audience=message_type.audience,
            business_data_keys=set(message_type.business_data_keys) or None,
            ref_kind="MESSAGE_TYPE",
            ref_id=message_type.message_type_id,
        ).save()

    def add_oauth_client(self, client: OAuthClient) -> bool:
        return put_if_absent(self._oauth_item(client), failure=f"could not add the OAuth client {client.client_id}")

    def _oauth_item(self, client: OAuthClient) -> OAuthClientItem:
        return OAuthClientItem(
            f"CLIENT#{client.client_id}",
            "OAUTH_CLIENT",
            secret_hash=client.secret_hash,
            enterprise_number=client.enterprise_number,
            scopes=set(client.allowed_scopes),
            ssin=client.ssin,
            message_provider_id=client.message_provider_id,
        )

    def save_oauth_client(self, client: OAuthClient) -> None:
        self._oauth_item(client).save()


def citizen_of(ssin: str, item: CitizenItem) -> Citizen:
    return Citizen(ssin=ssin, name=item.name, ebox_activated=item.ebox_activated,
                   contact_email=item.contact_email, exclusively_ebox=bool(item.exclusively_ebox))


def enterprise_of(enterprise_number: str, item: EnterpriseItem) -> Enterprise:
    return Enterprise(
        enterprise_number=enterprise_number,
        name=item.name,
        active=item.active,
        ebox_activated=item.ebox_activated,
        contact_email=item.contact_email,
        routing_rules=tuple(rules_from_dicts(item.routing_rules or [])),
        exclusively_ebox=bool(item.exclusively_ebox),
    )
