"""Qualified delivery: keep the task token, record NotificationForAcceptance; the execution then waits."""

from typing import Any

from ebox.pipeline.delivery_steps import await_acceptance_step
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return await_acceptance_step(event, services())
