"""The registry as one API publication reads it. Every publication asks two things that change at any time
and are never cached: is the sender suspended, and what does the register say of the recipient. Both are
answered by one strongly consistent BatchGetItem, made when the first of the two is asked, instead of two
GetItem; everything else (and any other organisation or e-Box) is the registry's own answer.

A key the batch leaves unprocessed twice is read on its own: the answer never depends on the batching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection

from ebox.adapters.aws_errors import classified
from ebox.adapters.registry import citizen_of, enterprise_of
from ebox.adapters.tables.registry_items import CitizenItem, EnterpriseItem, RegistryItem
from ebox.domain.message import Recipient
from ebox.domain.ports import Registry
from ebox.domain.recipients import CITIZEN, ENTERPRISE
from ebox.domain.registry import Citizen, Enterprise
from ebox.domain.registry_view import RegistryView

BATCH_ATTEMPTS = 2


@dataclass(frozen=True)
class _Parties:
    suspended: bool
    holder: Enterprise | Citizen | None


class PublicationRegistry(RegistryView):
    def __init__(self, registry: Registry, connection: Connection, *, organization_id: str,
                 recipient: Recipient) -> None:
        super().__init__(registry)
        self._connection = connection
        self._organization_id = organization_id
        self._recipient = recipient
        self._read: _Parties | None = None

    def _parties(self) -> _Parties:
        if self._read is None:
            self._read = self._read_together()
        return self._read

    def _read_together(self) -> _Parties:
        suspension = (f"ORG#{self._organization_id}", "SUSPENSION")
        holder = _holder_key(self._recipient)
        wanted = [suspension] + ([holder] if holder else [])
        table = RegistryItem.Meta.table_name
        found: dict[tuple[str, str], dict[str, Any]] = {}
        keys = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted]
        with classified("could not read the sender's suspension and the recipient"):
            for _ in range(BATCH_ATTEMPTS):
                answer = self._connection.dispatch(
                    "BatchGetItem", {"RequestItems": {table: {"Keys": keys, "ConsistentRead": True}}})
                for raw in answer.get("Responses", {}).get(table, []):
                    found[(raw["pk"]["S"], raw["sk"]["S"])] = raw
                keys = list(answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
                if not keys:
                    break
        unread = {(k["pk"]["S"], k["sk"]["S"]) for k in keys}
        suspended = (self._registry.sender_suspended(self._organization_id) if suspension in unread
                     else suspension in found)
        return _Parties(suspended, self._holder(holder, found, unread) if holder else None)

    def _holder(self, key: tuple[str, str], found: dict[tuple[str, str], dict[str, Any]],
                unread: set[tuple[str, str]]) -> Enterprise | Citizen | None:
        ebox_id = self._recipient.ebox_id
        if key in unread:
            reread = self._registry.citizen if self._recipient.ebox_type == CITIZEN else self._registry.enterprise
            return reread(ebox_id)
        raw = found.get(key)
        if raw is None:
            return None
        if self._recipient.ebox_type == CITIZEN:
            return citizen_of(ebox_id, CitizenItem.from_raw_data(raw))
        return enterprise_of(ebox_id, EnterpriseItem.from_raw_data(raw))

    def _is_recipient(self, ebox_type: str, ebox_id: str) -> bool:
        return (self._recipient.ebox_type, self._recipient.ebox_id) == (ebox_type, ebox_id)

    # ---- the two reads made together
    def sender_suspended(self, organization_id: str) -> bool:
        if organization_id != self._organization_id:
            return self._registry.sender_suspended(organization_id)
        return self._parties().suspended

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        if not self._is_recipient(ENTERPRISE, enterprise_number):
            return self._registry.enterprise(enterprise_number)
        holder = self._parties().holder
        return holder if isinstance(holder, Enterprise) else None

    def citizen(self, ssin: str) -> Citizen | None:
        if not self._is_recipient(CITIZEN, ssin):
            return self._registry.citizen(ssin)
        holder = self._parties().holder
        return holder if isinstance(holder, Citizen) else None


def _holder_key(recipient: Recipient) -> tuple[str, str] | None:
    if recipient.ebox_type == ENTERPRISE:
        return f"ENT#{recipient.ebox_id}", "ENTERPRISE"
    if recipient.ebox_type == CITIZEN:
        return f"CITIZEN#{recipient.ebox_id}", "CITIZEN"
    return None
