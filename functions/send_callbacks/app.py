"""Send callbacks: the callback queue's messages (bus events for senders, and delayed retries) become
signed CloudEvents POSTed to the senders' verified endpoints.

A failed POST is not a failed record: the delivery records its error and queues its own next attempt
(backoff for 24 hours, then dead-lettered for the sender to see). A record fails, and SQS retries it, only
when the platform itself failed (DynamoDB, KMS, SQS)."""

import json
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from ebox import observability
from ebox.pipeline.callbacks import CallbackPorts, handle_message
from ebox.wiring import services


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: CallbackPorts | None = None) -> Any:
    ports = deps or services().senders.callback_ports()

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        with observability.about(**observability.callback_keys(body)):
            handle_message(body, ports, now=datetime.now(UTC))

    return process_partial_response(
        event=event, record_handler=record_handler, processor=BatchProcessor(EventType.SQS), context=context
    )
