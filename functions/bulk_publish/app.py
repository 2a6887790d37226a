"""Bulk import, step 3: publishes chunks of manifest lines from the lines queue (SQS).

A chunk that fails for a transient reason is reported in `batchItemFailures` and comes back alone;
its lines already published are then found by their idempotency keys, never published twice."""

import logging
from typing import Any

from ebox import observability
from ebox.domain.errors import TransientError
from ebox.pipeline.bulk_import import BulkImportPorts, publish_chunk
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.bulk_publish")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: BulkImportPorts | None = None) -> dict[str, Any]:
    ports = deps or services().bulk.import_ports()
    failures = []
    for record in event["Records"]:
        try:
            with observability.about(correlation_id=observability.chunk_batch_id(record["body"])):
                publish_chunk(record["body"], ports)
        except TransientError as error:
            logger.warning("chunk %s will be retried: %s", record["messageId"], error.message)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
