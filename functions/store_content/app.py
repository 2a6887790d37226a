"""Step 3: move the staged documents to the message and write its metadata (SSE-KMS)."""

from typing import Any

from ebox.pipeline.publication_steps import store_content_step
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return store_content_step(event, services())
