"""Qualified delivery: record acceptance, refusal, expiry or failure (signed), and tell the sender."""

from typing import Any

from ebox import observability
from ebox.pipeline.delivery_steps import DeliveryPorts, conclude_delivery_step
from ebox.wiring import services


@observability.observed(correlation_id=observability.task_message_id, message_id=observability.task_message_id)
def handler(event: dict[str, Any], context: Any, deps: DeliveryPorts | None = None) -> dict[str, Any]:
    return conclude_delivery_step(event, deps or services().delivery_ports())
