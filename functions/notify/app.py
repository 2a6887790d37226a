"""Notify: MessagePublished events from the notification queue become e-mails (SES), once each.

Failed records are reported back (partial batch response) and retried by SQS, then dead-lettered."""

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from ebox.pipeline.notification_steps import NotificationPorts, notify_recipient
from ebox.wiring import services

logger = Logger(service="ebox-notify")


def handler(event: dict[str, Any], context: Any, deps: NotificationPorts | None = None) -> Any:
    ports = deps or services().notification_ports()

    def record_handler(record: SQSRecord) -> None:
        logger.info(notify_recipient(json.loads(record.body), ports))

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(EventType.SQS), context=context
    )
