"""Publication throughput through the real API handler against the emulator, and the floor: bare
boto3 doing only the minimal writes of one message (one S3 put, one DynamoDB put)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from typing import Any

from bench.calls import counting_calls
from bench.cost import Meter
from bench.emulator import messages_held
from tests.apigw import ApiCaller, publication


def publish_many(count: int, sync: Meter | None = None, derived: Meter | None = None) -> tuple[float, Counter[str]]:
    """Messages per second through `app.handler`, and the AWS calls made for them (with meters: what
    they cost, the API's calls in ``sync``, the other threads' — the outbox consumer's — in ``derived``)."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.wiring import reset_services

    from app import handler

    api = ApiCaller(handler)
    token = api.token("demo-sender", "demo-sender-secret")
    body = publication()
    with counting_calls(sync, derived) as calls:
        reset_clients()  # clients made from here on carry the counting hook
        reset_services()
        start = time.perf_counter()
        for _ in range(count):
            answer = api.publish(token, body, idempotency_key=str(uuid.uuid4()))  # as senders are asked to
            assert answer.status == 201, answer.body
        elapsed = time.perf_counter() - start
        counted = Counter(calls)  # the hooked clients live on: keep only what these publications made
    return count / elapsed, counted


def floor(count: int, environment: dict[str, str], document: bytes) -> float:
    import boto3

    endpoint = environment["AWS_ENDPOINT_URL"]
    s3 = boto3.client("s3", endpoint_url=endpoint)
    # DynamoDB has its own endpoint beside LocalStack (DynamoDB Local); with moto, the same one.
    dynamodb = boto3.client("dynamodb", endpoint_url=environment.get("AWS_ENDPOINT_URL_DYNAMODB") or endpoint)
    bucket, table = environment["EBOX_CONTENT_BUCKET"], environment["EBOX_MESSAGES_TABLE"]
    start = time.perf_counter()
    for _ in range(count):
        message_id = str(uuid.uuid4())
        s3.put_object(Bucket=bucket, Key=f"floor/{message_id}", Body=document)
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"FLOOR#{message_id}"}, "sk": {"S": "MSG"}})
    return count / (time.perf_counter() - start)


def calls_per_message(calls: Counter[str], count: int) -> list[tuple[str, Any]]:
    by_service: Counter[str] = Counter()
    for name, n in calls.items():
        by_service[name.split(":")[0]] += n
    rows: list[tuple[str, Any]] = [(s, round(n / count, 2)) for s, n in sorted(by_service.items())]
    rows.append(("total", round(sum(by_service.values()) / count, 2)))
    return rows


def publish_and_derive(count: int, sync: Meter, derived: Meter) -> tuple[float, Counter[str], int]:
    """As publish_many, the outbox paused while the API is timed; then everything the publications set
    going runs (the outbox from the stream, the SQS consumers: e-mail, audit and evidence archive) and
    is counted in ``derived``. Returns (messages/s, the API's calls, the consumers' invocations)."""
    import boto3
    from ebox.adapters.aws_clients import reset_clients
    from ebox.wiring import reset_services
    from ebox_local.functions import invoke
    from ebox_local.sqs_pollers import SqsPoller

    from app import handler
    from bench.emulator import PROVISIONED, STREAM_POLLERS, wait_for_outbox

    provisioned = PROVISIONED[0]
    api = ApiCaller(handler)
    token = api.token("demo-sender", "demo-sender-secret")
    body = publication()
    sqs = boto3.client("sqs")
    wait_for_outbox()
    for mapping in provisioned.sqs_mappings:  # what earlier publications left: not these messages' work
        sqs.purge_queue(QueueUrl=mapping.queue_url)
    invocations = [0]

    def counted_invoke(function: Any, event: Any) -> Any:
        invocations[0] += 1
        return invoke(function, event)

    with counting_calls(sync, derived) as calls:
        reset_clients()  # clients made from here on carry the counting hook
        reset_services()
        for poller in STREAM_POLLERS:
            poller.paused.set()
        start = time.perf_counter()
        for _ in range(count):
            answer = api.publish(token, body, idempotency_key=str(uuid.uuid4()))
            assert answer.status == 201, answer.body
        elapsed = time.perf_counter() - start
        counted = Counter(calls)
        before = sum(p.invocations for p in STREAM_POLLERS)
        for poller in STREAM_POLLERS:
            poller.paused.clear()
        consumers = [SqsPoller(m, provisioned.functions[m.function], boto3.client("sqs"), "eu-west-1",
                               wait_seconds=1, invoker=counted_invoke) for m in provisioned.sqs_mappings]
        for consumer in consumers:
            consumer.start()
        invocations[0] += wait_for_outbox() - before
        _drained(sqs, [m.queue_url for m in provisioned.sqs_mappings])
        for consumer in consumers:
            consumer.stop()
        for consumer in consumers:
            consumer.join(timeout=10)
    return count / elapsed, counted, invocations[0]


def _drained(sqs: Any, queue_urls: list[str], timeout: float = 300.0) -> None:
    """Waits until no queue holds a message, visible or in flight, twice in a row."""
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        quiet = quiet + 1 if messages_held(sqs, queue_urls) == 0 else 0
