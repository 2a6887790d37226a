"""Bulk import, step 1: reads a dropped batch archive, refuses it whole or plans its lines.

A Step Functions task of the bulk import state machine, started by the S3 `Object Created` event."""

from typing import Any

from ebox import observability
from ebox.pipeline.bulk_import import BulkImportPorts, prepare
from ebox.wiring import services


@observability.observed(correlation_id=observability.bulk_task_id)
def handler(event: dict[str, Any], context: Any, deps: BulkImportPorts | None = None) -> dict[str, Any]:
    return prepare(event, deps or services().bulk.import_ports())
