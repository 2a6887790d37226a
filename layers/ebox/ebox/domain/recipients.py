"""Whose e-Box a message goes to: an enterprise's (keyed by its 10-digit enterprise number) or a
citizen's My eBox (keyed by the 11-digit SSIN). The two keys never collide, so an e-Box is named by
its key alone; these functions turn a key into the recipient reference that events and evidence
carry, and back."""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.registry import Citizen, EboxHolder, Enterprise
from ebox.domain.ssin import SSIN_LENGTH

ENTERPRISE = "enterprise"
CITIZEN = "citizen"
# Message types say who may receive them (ebox.domain.registry.MessageType.audience).
AUDIENCES = {"enterprises": frozenset({ENTERPRISE}), "citizens": frozenset({CITIZEN}),
             "both": frozenset({ENTERPRISE, CITIZEN})}


def ebox_type_of(ebox_id: str) -> str:
    return CITIZEN if len(ebox_id) == SSIN_LENGTH else ENTERPRISE


def recipient_ref(ebox_id: str) -> dict[str, str]:
    """The recipient as the v3 API names it: `{eboxType: "enterprise", enterpriseNumber}` or
    `{eboxType: "citizen", ssin}`."""
    if ebox_type_of(ebox_id) == CITIZEN:
        return {"eboxType": CITIZEN, "ssin": ebox_id}
    return {"eboxType": ENTERPRISE, "enterpriseNumber": ebox_id}


def event_recipient(ebox_id: str) -> dict[str, str]:
    """The recipient in events: the v3 reference plus `eboxIdValue` (the v2 name, the same for both
    types), which the qualified-delivery state machine reads."""
    return {**recipient_ref(ebox_id), "eboxIdValue": ebox_id}


def ebox_id_of(ref: dict[str, Any]) -> str:
    return str(ref.get("eboxIdValue") or ref.get("ssin") or ref.get("enterpriseNumber") or "")


class Holders(Protocol):
    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...
    def citizen(self, ssin: str) -> Citizen | None: ...


def ebox_holder(registry: Holders, ebox_id: str) -> EboxHolder | None:
    """The register entry of an e-Box's holder: the enterprise, or the citizen."""
    return registry.citizen(ebox_id) if ebox_type_of(ebox_id) == CITIZEN else registry.enterprise(ebox_id)
