"""Record statistics: the platform's counters, updated from the bus's events (docs/statistics.md).

A batch is counted in one go (its facts in as few DynamoDB transactions as possible); if that fails,
each record is tried alone so that only the failing ones return to the queue. Counting is idempotent:
a record retried, or an event delivered twice, never counts twice."""

import json
import logging
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from ebox import observability
from ebox.domain.statistics import StatisticsStore, record_events
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.record_statistics")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: StatisticsStore | None = None) -> Any:
    store = deps or services().statistics
    records = event.get("Records", [])
    try:
        changed = record_events([json.loads(r["body"]) for r in records], store)
        logger.info("statistics: %d of %d events changed a counter", changed, len(records))
        return {"batchItemFailures": []}
    except Exception:  # noqa: BLE001 - retried record by record below, so that one bad record fails alone
        logger.exception("statistics: the batch failed; counting its records one by one")

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        with observability.about(**observability.bus_event(body)):
            record_events([body], store)

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(EventType.SQS), context=context
    )
