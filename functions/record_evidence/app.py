"""Record evidence: every message event on the bus is written once to the message's audit trail."""

import json
import logging
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from ebox import observability
from ebox.pipeline.audit_steps import AuditPorts, record_event
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.record_evidence")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: AuditPorts | None = None) -> Any:
    ports = deps or services().audit_ports()

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        with observability.about(**observability.bus_event(body)):
            written = record_event(body, ports)
            logger.info("audit %s %s", body["detail-type"], "recorded" if written else "already recorded")

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(EventType.SQS), context=context
    )
