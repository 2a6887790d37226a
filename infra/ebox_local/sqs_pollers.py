"""SQS event source mappings: one thread per mapping long-polls its queue and calls the function with
the Lambda SQS event. Messages the function reports in `batchItemFailures` (when the mapping declares
ReportBatchItemFailures), or the whole batch if it raises, stay in the queue: they come back after the
visibility timeout and, after maxReceiveCount, go to the dead-letter queue, as on AWS."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from ebox_local.functions import invoke
from ebox_local.model import LocalFunction, SqsMapping

logger = logging.getLogger("ebox_local")
Invoker = Callable[[LocalFunction, Any], Any]


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda builds from ReceiveMessage's answer."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": {name: _message_attribute(value)
                              for name, value in m.get("MessageAttributes", {}).items()},
        "md5OfBody": m.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for m in messages]}


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    return {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType", "String")}


def failed_message_ids(response: Any, batch: list[dict[str, Any]], *, report_failures: bool) -> set[str]:
    """Which messages stay in the queue after the handler returned ``response``. As Lambda does, a
    malformed partial batch response (an id not in the batch, an empty id) fails the whole batch."""
    if not report_failures or not isinstance(response, dict) or not response.get("batchItemFailures"):
        return set()
    ids = {m["MessageId"] for m in batch}
    failed = {str(f.get("itemIdentifier") or "") if isinstance(f, dict) else "" for f in response["batchItemFailures"]}
    return failed if failed <= ids else ids


class SqsPoller(threading.Thread):
    def __init__(self, mapping: SqsMapping, function: LocalFunction, sqs: Any, region: str, *,
                 wait_seconds: int = 1, invoker: Invoker = invoke) -> None:
        super().__init__(name=f"sqs-{function.logical_id}", daemon=True)
        self.mapping = mapping
        self._function = function
        self._sqs = sqs
        self._region = region
        self._wait_seconds = wait_seconds
        self._invoke = invoker
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once(wait_seconds=self._wait_seconds)
            except Exception:  # noqa: BLE001 - the poller outlives a failed receive, as Lambda's does
                if self._stopping.is_set():
                    return
                logger.warning("sqs %s: receive failed", self.name, exc_info=True)
                self._stopping.wait(1)

    def poll_once(self, *, wait_seconds: int = 0) -> int:
        """Receives one batch, runs the function, deletes what succeeded; returns the batch size."""
        messages: list[dict[str, Any]] = self._sqs.receive_message(
            QueueUrl=self.mapping.queue_url, MaxNumberOfMessages=max(1, min(self.mapping.batch_size, 10)),
            WaitTimeSeconds=wait_seconds, AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            response = self._invoke(self._function, sqs_event(messages, self.mapping.queue_arn, self._region))
            failed = failed_message_ids(response, messages,
                                        report_failures=self.mapping.report_batch_item_failures)
        except Exception:  # noqa: BLE001 - the whole batch returns to the queue, as on Lambda
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        if failed:
            logger.info("sqs %s: %d of %d message(s) left for retry", self._function.logical_id, len(failed),
                        len(messages))
        return len(messages)
