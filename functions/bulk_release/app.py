"""Bulk import, step 2 (at `sendAt`, or at once): queues the batch's chunks unless it was cancelled."""

from typing import Any

from ebox.pipeline.bulk_import import release
from ebox.wiring import services


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return release(event, services().bulk)
