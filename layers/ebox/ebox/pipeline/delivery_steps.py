"""The qualified delivery workflow's Lambda steps (statemachines/qualified_delivery.asl.json)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ebox.domain import qualified_delivery
from ebox.domain.errors import NotFound
from ebox.domain.message import Message
from ebox.domain.validity import format_timestamp
from ebox.wiring import Services


def _message(event: dict[str, Any], services: Services) -> Message:
    message = services.index.get(event["recipient"], event["messageId"])
    if message is None:
        raise NotFound(f"message {event['messageId']} is not in e-Box {event['recipient']}")
    return message


def await_acceptance_step(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Input: {messageId, recipient, taskToken}. The execution then waits for the recipient."""
    qualified_delivery.await_acceptance(
        _message(event, services), event["taskToken"], now=format_timestamp(datetime.now(UTC)),
        index=services.index, states=services.delivery_states, signer=services.record_signer)
    return {"messageId": event["messageId"], "awaiting": True}


def conclude_delivery_step(event: dict[str, Any], services: Services) -> dict[str, Any]:
    """Input: {messageId, recipient, outcome}. Records the outcome and tells the sender (EventBridge)."""
    message = _message(event, services)
    outcome = event["outcome"]
    recorded = qualified_delivery.conclude(
        message, outcome, now=format_timestamp(datetime.now(UTC)), index=services.index,
        states=services.delivery_states, signer=services.record_signer)
    if recorded:
        services.events.delivery_concluded(message, qualified_delivery.OUTCOME_DETAIL_TYPES[outcome], outcome)
    return {"messageId": message.message_id, "outcome": outcome, "recorded": recorded}
