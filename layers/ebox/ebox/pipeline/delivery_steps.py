"""The qualified delivery workflow's Lambda steps (statemachines/qualified_delivery.asl.json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain import qualified_delivery
from ebox.domain.clock import now_timestamp
from ebox.domain.errors import NotFound
from ebox.domain.message import Message
from ebox.domain.ports import EvidenceSigner, MessageEvents, MessageIndex
from ebox.domain.qualified_delivery import DeliveryStates


@dataclass(frozen=True)
class DeliveryPorts:
    index: MessageIndex
    delivery_states: DeliveryStates
    evidence_signer: EvidenceSigner
    events: MessageEvents


def _message(event: dict[str, Any], ports: DeliveryPorts) -> Message:
    message = ports.index.get(event["recipient"], event["messageId"])
    if message is None:
        raise NotFound(f"message {event['messageId']} is not in e-Box {event['recipient']}")
    return message


def await_acceptance_step(event: dict[str, Any], ports: DeliveryPorts) -> dict[str, Any]:
    """Input: {messageId, recipient, taskToken, execution}. The execution then waits for the recipient."""
    qualified_delivery.await_acceptance(
        _message(event, ports), event["taskToken"], now=now_timestamp(), index=ports.index,
        states=ports.delivery_states, signer=ports.evidence_signer, execution=event.get("execution"))
    return {"messageId": event["messageId"], "awaiting": True}


def conclude_delivery_step(event: dict[str, Any], ports: DeliveryPorts) -> dict[str, Any]:
    """Input: {messageId, recipient, outcome}. Records the outcome and tells the sender (EventBridge)."""
    message = _message(event, ports)
    outcome = qualified_delivery.conclude(
        message, event["outcome"], now=now_timestamp(), index=ports.index,
        states=ports.delivery_states, signer=ports.evidence_signer)
    if outcome is not None:
        ports.events.delivery_concluded(message, qualified_delivery.OUTCOME_DETAIL_TYPES[outcome], outcome)
    return {"messageId": message.message_id, "outcome": outcome or event["outcome"], "recorded": outcome is not None}
