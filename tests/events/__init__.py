"""Sample events, as their AWS sources send them (JSON files in this folder), filled in by the tests.

- `api-gateway-rest-proxy.json`: API Gateway's REST proxy event (tests.apigw sets method, path,
  headers, query and body);
- `sqs-record.json`: one record of Lambda's SQS event (`sqs_event` wraps received messages in them);
- `eventbridge-event.json`: an event of the e-Box's bus as EventBridge delivers it (the tests set its
  `detail-type`, `id`, `time` and `detail`; `bus_event` does);
- `dynamodb-stream-record.json`: one record of Lambda's DynamoDB stream event (`evidence_stream_event` fills
  in new evidence record items);
- `scheduled-notifications.json`: what the notification jobs' schedule rules give their function (the
  tests add `today`, to run a job as on another day)."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def sample(name: str, **changes: Any) -> dict[str, Any]:
    """A fresh copy of ``name``.json, with the top-level ``changes`` applied."""
    return {**copy.deepcopy(_read(name)), **changes}


@functools.cache
def _read(name: str) -> dict[str, Any]:
    return dict(json.loads((HERE / f"{name}.json").read_text()))


def bus_event(detail_type: str, detail: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An event of the bus (EventBridge's envelope) with this detail type and detail."""
    return sample("eventbridge-event", **{"detail-type": detail_type, "detail": detail, **changes})


def sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Lambda's SQS event for messages as ReceiveMessage returned them."""
    return {"Records": [sample("sqs-record", messageId=m["MessageId"], receiptHandle=m["ReceiptHandle"],
                               body=m["Body"], attributes=m.get("Attributes", {}))
                        for m in messages]}


def evidence_stream_event(records: list[Any]) -> dict[str, Any]:
    """Lambda's DynamoDB stream event for new evidence record items (ebox.domain.evidence.SignedEvidence)."""
    events = []
    for n, record in enumerate(records, start=1):
        keys = {"pk": {"S": f"MSG#{record.message_id}"}, "sk": {"S": f"EVIDENCE#{record.sequence:04d}"}}
        image = {**keys, "evidence_id": {"S": record.evidence_id}, "sequence": {"N": str(record.sequence)},
                 "event": {"S": record.event.value}, "jws": {"S": record.jws}}
        event = sample("dynamodb-stream-record", eventID=f"event-{n}")
        event["dynamodb"] = {**event["dynamodb"], "Keys": keys, "NewImage": image, "SequenceNumber": str(100 + n)}
        events.append(event)
    return {"Records": events}
