"""The register as one bulk chunk reads it: its recipients in one read (BatchGetItem) instead of one GetItem
per line, and each answer kept for the chunk's few seconds (a sender's suspension, never cached across
requests, is read once per chunk: a suspension stops the next chunk, not the lines of one already under way)."""

from __future__ import annotations

from ebox.domain.bulk_ports import RegisterReads
from ebox.domain.ports import Registry
from ebox.domain.recipients import CITIZEN, ebox_type_of
from ebox.domain.registry import Citizen, Enterprise
from ebox.domain.registry_view import RegistryView


class ChunkRegistry(RegistryView):
    def __init__(self, registry: Registry, reads: RegisterReads, recipients: list[str]) -> None:
        super().__init__(registry)
        enterprises = sorted({r for r in recipients if ebox_type_of(r) != CITIZEN})
        self._enterprises: dict[str, Enterprise | None] = reads.enterprises(enterprises) if enterprises else {}
        self._citizens: dict[str, Citizen | None] = {}
        self._suspended: dict[str, bool] = {}

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        if enterprise_number not in self._enterprises:
            self._enterprises[enterprise_number] = self._registry.enterprise(enterprise_number)
        return self._enterprises[enterprise_number]

    def citizen(self, ssin: str) -> Citizen | None:
        if ssin not in self._citizens:
            self._citizens[ssin] = self._registry.citizen(ssin)
        return self._citizens[ssin]

    def sender_suspended(self, organization_id: str) -> bool:
        if organization_id not in self._suspended:
            self._suspended[organization_id] = self._registry.sender_suspended(organization_id)
        return self._suspended[organization_id]
