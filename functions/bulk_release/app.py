"""Bulk import, step 2 (at `sendAt`, or at once): queues the batch's chunks unless it was cancelled."""

from typing import Any

from ebox import observability
from ebox.pipeline.bulk_import import BulkImportPorts, release
from ebox.wiring import services


@observability.observed(correlation_id=observability.bulk_task_id)
def handler(event: dict[str, Any], context: Any, deps: BulkImportPorts | None = None) -> dict[str, Any]:
    return release(event, deps or services().bulk.import_ports())
