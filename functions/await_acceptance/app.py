"""Qualified delivery: keep the task token, record NotificationForAcceptance; the execution then waits."""

from typing import Any

from ebox import observability
from ebox.pipeline.delivery_steps import DeliveryPorts, await_acceptance_step
from ebox.wiring import services


@observability.observed(correlation_id=observability.task_message_id, message_id=observability.task_message_id)
def handler(event: dict[str, Any], context: Any, deps: DeliveryPorts | None = None) -> dict[str, Any]:
    return await_acceptance_step(event, deps or services().delivery_ports())
