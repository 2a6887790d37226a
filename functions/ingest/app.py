"""Step 1 of a dropped package's publication: read it, check its sender, stage its documents.

Triggered by the publication state machine with the S3 `Object Created` event (EventBridge)."""

from typing import Any

from ebox.pipeline.publication_steps import ingest
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return ingest(event, services())
