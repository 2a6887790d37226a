"""Bulk import, step 2 (at `sendAt`, or at once): queues the batch's chunks unless it was cancelled."""

from typing import Any

from ebox.bulk_wiring import bulk_services
from ebox.pipeline.bulk_import import release


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return release(event, bulk_services())
