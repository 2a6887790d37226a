"""Partitions of an e-Box: who in an enterprise sees which messages, and where a new message goes.

Every e-Box has the partition ``GENERAL``; an administrator adds others, grants users rights on them,
and orders routing rules that place each new message in a partition when it is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ebox.domain.errors import InvalidInput

GENERAL = "GENERAL"
ADMIN = "ADMIN"
USER = "USER"
ROLES = frozenset({ADMIN, USER})
MAX_RULES = 100
_PARTITION_ID = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
_SSIN = re.compile(r"^[0-9]{11}$")


@dataclass(frozen=True)
class Partition:
    partition_id: str
    name: str


@dataclass(frozen=True)
class EboxUser:
    """A person of the enterprise (by SSIN), their roles and the partitions they hold rights on."""

    ssin: str
    roles: frozenset[str]
    partitions: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


@dataclass(frozen=True)
class RoutingRule:
    """Places a message in ``partition`` when every criterion it names matches; lower priority first."""

    partition: str
    priority: int
    message_type_id: str | None = None
    sender_application_id: str | None = None
    sender_organization_id: str | None = None

    def matches(self, *, message_type_id: str, sender_application_id: str, sender_organization_id: str) -> bool:
        return ((self.message_type_id is None or self.message_type_id == message_type_id)
                and (self.sender_application_id is None or self.sender_application_id == sender_application_id)
                and (self.sender_organization_id is None or self.sender_organization_id == sender_organization_id))

    def to_dict(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"partitionId": self.partition, "priority": self.priority}
        for name, value in (("messageTypeId", self.message_type_id),
                            ("senderApplicationId", self.sender_application_id),
                            ("senderOrganizationId", self.sender_organization_id)):
            if value is not None:
                rule[name] = value
        return rule


def place_message(rules: Iterable[RoutingRule], *, message_type_id: str, sender_application_id: str,
                  sender_organization_id: str) -> str:
    """The partition of the first rule (by priority) that matches; GENERAL when none does."""
    for rule in sorted(rules, key=lambda r: r.priority):
        if rule.matches(message_type_id=message_type_id, sender_application_id=sender_application_id,
                        sender_organization_id=sender_organization_id):
            return rule.partition
    return GENERAL


def partition_id(value: object) -> str:
    if not isinstance(value, str) or not _PARTITION_ID.match(value):
        raise InvalidInput("a partitionId is 1 to 40 capital letters, digits, '-' or '_' (e.g. ACCOUNTING)")
    return value


def ssin(value: object) -> str:
    if not isinstance(value, str) or not _SSIN.match(value):
        raise InvalidInput("an SSIN (national register number) is 11 digits")
    return value


def parse_partition(body: object) -> Partition:
    if not isinstance(body, dict):
        raise InvalidInput("a partition is a JSON object {partitionId, name}")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInput("a partition needs a name (1 to 200 characters)")
    return Partition(partition_id(body.get("partitionId")), name.strip())


def parse_user(user_ssin: str, body: object, known_partitions: set[str]) -> EboxUser:
    if not isinstance(body, dict):
        raise InvalidInput("a user is a JSON object {roles, partitions}")
    roles = body.get("roles", [USER])
    if not isinstance(roles, list) or not roles or not set(roles) <= ROLES:
        raise InvalidInput(f"roles is a non-empty list of {', '.join(sorted(ROLES))}")
    partitions = body.get("partitions", [])
    if not isinstance(partitions, list):
        raise InvalidInput("partitions is a list of partitionIds")
    unknown = {partition_id(p) for p in partitions} - known_partitions
    if unknown:
        raise InvalidInput(f"no such partition in this e-Box: {', '.join(sorted(unknown))}")
    return EboxUser(ssin(user_ssin), frozenset(roles), frozenset(partitions))


def parse_rules(body: object, known_partitions: set[str]) -> list[RoutingRule]:
    """An ordered list of rules; each names a known partition and at least one criterion."""
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list) or len(items) > MAX_RULES:
        raise InvalidInput(f"routing rules are a list (at most {MAX_RULES}) or {{\"items\": [...]}}")
    rules = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput(f"rule {position + 1} is not a JSON object")
        partition = partition_id(item.get("partitionId"))
        if partition not in known_partitions:
            raise InvalidInput(f"rule {position + 1}: no such partition in this e-Box: {partition}")
        priority = item.get("priority", position + 1)
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise InvalidInput(f"rule {position + 1}: priority is a whole number")
        criteria = {name: item.get(name) for name in ("messageTypeId", "senderApplicationId", "senderOrganizationId")}
        if any(v is not None and (not isinstance(v, str) or not v) for v in criteria.values()):
            raise InvalidInput(f"rule {position + 1}: criteria are non-empty strings")
        if all(v is None for v in criteria.values()):
            raise InvalidInput(f"rule {position + 1} needs messageTypeId, senderApplicationId or "
                               "senderOrganizationId")
        rules.append(RoutingRule(partition, priority, criteria["messageTypeId"], criteria["senderApplicationId"],
                                 criteria["senderOrganizationId"]))
    priorities = [r.priority for r in rules]
    if len(set(priorities)) != len(priorities):
        raise InvalidInput("two routing rules have the same priority")
    return sorted(rules, key=lambda r: r.priority)


def rules_from_dicts(items: Iterable[dict[str, Any]]) -> list[RoutingRule]:
    """Stored rules back as objects (no validation: they were validated when saved)."""
    return [RoutingRule(i["partitionId"], int(i["priority"]), i.get("messageTypeId"), i.get("senderApplicationId"),
                        i.get("senderOrganizationId")) for i in items]
