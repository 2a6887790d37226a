"""Step 2: the recipient must be an active enterprise of the BCE/KBO register; notes its e-Box state."""

from typing import Any

from ebox.pipeline.publication_steps import validate_recipient_step
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return validate_recipient_step(event, services())
