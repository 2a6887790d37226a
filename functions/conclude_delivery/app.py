"""Qualified delivery: record acceptance, refusal, expiry or failure (signed), and tell the sender."""

from typing import Any

from ebox.pipeline.delivery_steps import DeliveryPorts, conclude_delivery_step
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any, deps: DeliveryPorts | None = None) -> dict[str, Any]:
    return conclude_delivery_step(event, deps or services().delivery_ports())
