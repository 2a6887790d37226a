"""Sender registry: the privileged writes of onboarding (approval, suspension, import), asked by the API
(decision 0015). The only function whose role may write sender organisations, applications, message types
and OAuth clients."""

from typing import Any

from ebox import observability
from ebox.pipeline.sender_registry import SenderRegistryPorts, answer_command
from ebox.wiring import services


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: SenderRegistryPorts | None = None) -> dict[str, Any]:
    return answer_command(event, deps or services().senders.sender_registry_ports())
