"""SQS event source mappings: one thread per mapping long-polls its queue and calls the function
with the Lambda SQS event; messages reported in `batchItemFailures` (or all, if the handler raises)
stay in the queue for redelivery and, after maxReceiveCount, the dead-letter queue."""

from __future__ import annotations

import logging
import threading
from typing import Any

from ebox_local.functions import invoke
from ebox_local.provisioning import LocalFunction, SqsMapping

logger = logging.getLogger("ebox_local")


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m.get("Attributes", {}), "messageAttributes": m.get("MessageAttributes", {}),
        "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


class SqsPoller(threading.Thread):
    def __init__(self, mapping: SqsMapping, function: LocalFunction, sqs: Any, region: str) -> None:
        super().__init__(name=f"sqs-{function.logical_id}", daemon=True)
        self._mapping = mapping
        self._function = function
        self._sqs = sqs
        self._region = region
        self._stopping = threading.Event()
        self._arn = sqs.get_queue_attributes(QueueUrl=mapping.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:  # noqa: BLE001 - the poller outlives a failed batch, as Lambda's does
                logger.exception("poller %s: batch failed", self.name)
                self._stopping.wait(1)

    def poll_once(self, *, wait_seconds: int = 0) -> int:
        messages = self._sqs.receive_message(
            QueueUrl=self._mapping.queue_url, MaxNumberOfMessages=min(self._mapping.batch_size, 10),
            WaitTimeSeconds=wait_seconds, AttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        try:
            response = invoke(self._function, sqs_event(messages, self._arn, self._region)) or {}
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - the whole batch returns to the queue
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self._mapping.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        return len(messages)
