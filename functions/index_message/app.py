"""Step 4: make the message visible in the recipient's e-Box (once) and announce it on the bus."""

from typing import Any

from ebox.pipeline.publication_steps import index_message_step
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return index_message_step(event, services())
