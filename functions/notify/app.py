"""Notify: MessagePublished events from the notification queue become e-mails (SES), once each.

Failed records are reported back (partial batch response) and retried by SQS, then dead-lettered."""

import json
import logging
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from ebox import observability
from ebox.pipeline.notification_steps import NotificationPorts, notify_recipient
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.notify")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: NotificationPorts | None = None) -> Any:
    ports = deps or services().notification_ports()

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        with observability.about(**observability.bus_event(body)):
            logger.info(notify_recipient(body, ports))

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(EventType.SQS), context=context
    )
