"""Sample events, as their AWS sources send them (JSON files in this folder), filled in by the tests.

- `api-gateway-rest-proxy.json`: API Gateway's REST proxy event (tests.apigw sets method, path,
  headers, query and body);
- `sqs-record.json`: one record of Lambda's SQS event (`sqs_event` wraps received messages in them);
- `eventbridge-event.json`: an event of the e-Box's bus as EventBridge delivers it (the tests set its
  `detail-type`, `id`, `time` and `detail`; `bus_event` does);
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
