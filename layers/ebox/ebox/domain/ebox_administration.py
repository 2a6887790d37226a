"""An e-Box's administration: its partitions, its users' rights and its ordered routing rules.
Administrators (and the enterprise's own client) change them; a person sees the partitions they hold
rights on."""

from __future__ import annotations

from typing import Protocol

from ebox.domain.access import EboxReader
from ebox.domain.errors import NotFound
from ebox.domain.partitions import (
    GENERAL,
    EboxUser,
    Partition,
    RoutingRule,
    parse_partition,
    parse_rules,
    parse_user,
    ssin,
)
from ebox.domain.registry import Enterprise


class EboxDirectory(Protocol):
    """The registry's side of an e-Box's organisation."""

    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...
    def partitions(self, enterprise_number: str) -> list[Partition]: ...
    def ebox_users(self, enterprise_number: str) -> list[EboxUser]: ...
    def save_partition(self, enterprise_number: str, partition: Partition) -> None: ...
    def save_ebox_user(self, enterprise_number: str, user: EboxUser) -> None: ...
    def save_routing_rules(self, enterprise_number: str, rules: list[RoutingRule]) -> None: ...


class EboxAdministration:
    def __init__(self, reader: EboxReader, directory: EboxDirectory) -> None:
        self._reader = reader
        self._directory = directory
        self._ebox = reader.enterprise_number

    def partitions(self) -> list[Partition]:
        """Those the reader may see: every partition for an administrator, else their own."""
        every = self._directory.partitions(self._ebox)
        if self._reader.is_admin or self._reader.partitions is None:
            return every
        return [p for p in every if p.partition_id in self._reader.partitions]

    def save_partition(self, body: object) -> Partition:
        self._reader.require_admin()
        partition = parse_partition(body)
        self._directory.save_partition(self._ebox, partition)
        return partition

    def users(self) -> list[EboxUser]:
        self._reader.require_admin()
        return self._directory.ebox_users(self._ebox)

    def save_user(self, user_ssin: str, body: object) -> EboxUser:
        self._reader.require_admin()
        user = parse_user(ssin(user_ssin), body, self._known_partitions())
        self._directory.save_ebox_user(self._ebox, user)
        return user

    def routing_rules(self) -> list[RoutingRule]:
        self._reader.require_admin()
        return sorted(self._enterprise().routing_rules, key=lambda r: r.priority)

    def save_routing_rules(self, body: object) -> list[RoutingRule]:
        """Replaces the whole ordered list (one write: a message is placed by the old or the new list)."""
        self._reader.require_admin()
        rules = parse_rules(body, self._known_partitions())
        self._directory.save_routing_rules(self._ebox, rules)
        return rules

    def _known_partitions(self) -> set[str]:
        return {GENERAL} | {p.partition_id for p in self._directory.partitions(self._ebox)}

    def _enterprise(self) -> Enterprise:
        enterprise = self._directory.enterprise(self._ebox)
        if enterprise is None:
            raise NotFound(f"e-Box {self._ebox} is not in the register")
        return enterprise
