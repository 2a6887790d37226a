"""Loads reference data (enterprises, senders, message types, OAuth clients) from a JSON document
into the registry: how the demo data is seeded, and how an administrator loads a register extract."""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.access import SCOPE_PREFIX, hash_secret
from ebox.domain.clock import now_timestamp
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput
from ebox.domain.partitions import GENERAL, EboxUser, Partition, parse_partition, parse_rules, parse_user
from ebox.domain.ports import EboxEvents
from ebox.domain.providers import MessageProvider
from ebox.domain.recipients import AUDIENCES
from ebox.domain.registry import (
    Citizen,
    Enterprise,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
    ValidityPeriod,
)
from ebox.domain.ssin import normalise_ssin


class RegistryWriter(Protocol):
    def save_enterprise(self, enterprise: Enterprise) -> None: ...
    def save_citizen(self, citizen: Citizen) -> None: ...
    def save_message_provider(self, provider: MessageProvider) -> None: ...
    def save_sender_organization(self, organization: SenderOrganization) -> None: ...
    def save_sender_application(self, application: SenderApplication) -> None: ...
    def save_message_type(self, message_type: MessageType) -> None: ...
    def save_oauth_client(self, client: OAuthClient) -> None: ...
    def save_partition(self, enterprise_number: str, partition: Partition) -> None: ...
    def save_ebox_user(self, enterprise_number: str, user: EboxUser) -> None: ...


def import_registry(
    data: dict[str, Any], registry: RegistryWriter, *, secret_iterations: int | None = None,
    events: EboxEvents | None = None,
) -> dict[str, int]:
    """Writes every entry of ``data``; returns how many of each kind were written. With ``events``, each
    open e-Box is announced (EboxActivated, at its ``activatedAt`` or now) with its digital-only
    preference, for the statistics (which count an e-Box once, however often it is imported).

    ``secret_iterations`` lowers the PBKDF2 cost of client secrets (tests only)."""
    counts = {"messageTypes": 0, "senderOrganizations": 0, "enterprises": 0, "citizens": 0, "oauthClients": 0}
    for item in data.get("messageTypes", []):
        validity = item["validity"]
        registry.save_message_type(
            MessageType(item["messageTypeId"], item["name"], ValidityPeriod(int(validity["number"]), validity["unit"]),
                        _audience(item.get("recipients", "enterprises")),
                        frozenset(item.get("businessDataKeys", [])))
        )
        counts["messageTypes"] += 1
    for item in data.get("senderOrganizations", []):
        org = normalise_enterprise_number(item["organizationId"])
        registry.save_sender_organization(SenderOrganization(org, item["shortName"], item.get("longName")))
        for app in item.get("applications", []):
            registry.save_sender_application(
                SenderApplication(org, app["applicationId"], app["name"], frozenset(app["messageTypeIds"]),
                                  frozenset(app.get("registeredMailTypes", [])))
            )
        counts["senderOrganizations"] += 1
    for item in data.get("enterprises", []):
        number = normalise_enterprise_number(item["enterpriseNumber"])
        partitions = [parse_partition(p) for p in item.get("partitions", [])]
        known = {GENERAL} | {p.partition_id for p in partitions}
        registry.save_enterprise(
            Enterprise(
                enterprise_number=number,
                name=item["name"],
                active=bool(item["active"]),
                ebox_activated=bool(item["eboxActivated"]),
                contact_email=item.get("contactEmail"),
                routing_rules=tuple(parse_rules(item.get("routingRules", []), known)),
                exclusively_ebox=bool(item.get("exclusivelyEbox", False)),
            )
        )
        for partition in partitions:
            registry.save_partition(number, partition)
        for user in item.get("users", []):
            registry.save_ebox_user(number, parse_user(user["ssin"], user, known))
        _announce(item, number, "enterprise", events)
        counts["enterprises"] += 1
    for item in data.get("citizens", []):
        registry.save_citizen(Citizen(
            ssin=normalise_ssin(item["ssin"]), name=item["name"], ebox_activated=bool(item["eboxActivated"]),
            contact_email=item.get("contactEmail"), exclusively_ebox=bool(item.get("exclusivelyEbox", False))))
        _announce(item, normalise_ssin(item["ssin"]), "citizen", events)
        counts["citizens"] += 1
    for item in data.get("oauthClients", []):
        scopes = frozenset(s if s.startswith("scope:") else SCOPE_PREFIX + s for s in item["scopes"])
        registry.save_oauth_client(
            OAuthClient(
                client_id=item["clientId"],
                secret_hash=(
                    hash_secret(item["secret"], iterations=secret_iterations)
                    if secret_iterations
                    else hash_secret(item["secret"])
                ),
                enterprise_number=normalise_enterprise_number(item["enterpriseNumber"]) if item.get(
                    "enterpriseNumber") else None,
                allowed_scopes=scopes,
                ssin=item.get("ssin"),
                message_provider_id=item.get("messageProviderId"),
            )
        )
        counts["oauthClients"] += 1
    for item in data.get("messageProviders", []):
        registry.save_message_provider(MessageProvider(item["messageProviderId"], dict(item)))
    return counts


def _audience(value: str) -> str:
    if value not in AUDIENCES:
        raise InvalidInput(f"a message type's recipients are one of {', '.join(AUDIENCES)}, not {value!r}")
    return value


def _announce(item: dict[str, Any], ebox_id: str, ebox_type: str, events: EboxEvents | None) -> None:
    if events is None or not item.get("eboxActivated"):
        return
    when = str(item.get("activatedAt") or now_timestamp())
    events.ebox_activated(ebox_id, ebox_type, when)
    if "exclusivelyEbox" in item:
        events.ebox_preference_changed(ebox_id, ebox_type, bool(item["exclusivelyEbox"]),
                                       str(item.get("exclusivelyEboxSince") or when))
