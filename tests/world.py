"""The template provisioned once, then put back as it was before each test: what the integration tests
see as a fresh stack, without creating every resource again for each of them.

A `Baseline` is taken right after provisioning and the demo data's import: every table's items, and
which buckets, queues, buses and state machines are the stack's. Around each test:

- `begin` empties the stack's queues (and lets an invocation LocalStack's own SQS mappings started
  from them end), puts every table back to its baseline items, empties the stack's buckets (every
  version) and the mail box, and notes what exists account-wide (`Inventory`);
- `finish` lets nothing of the test run on (its state machine executions are stopped, the work they and
  the asynchronous invocations started is waited for) and removes the buckets, queues and EventBridge
  rules the test made. Only what appeared during the test: another stack in the same emulator (a
  second parameter set, the end-to-end tests' own) is never touched.

It speaks only the AWS APIs, so that the same reset serves moto (in this process) and LocalStack."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

SETTLE_SECONDS = 60
"""How long a test's leftover work may take to stop before the reset says which is stuck."""
SERVER_THREADS = ("(serve_forever)", "lambda-invocations")
"""Threads that serve for as long as their fixture lives (a test may start one): not the test's work."""
POLLER_THREADS = ("stream-",)
"""The stream pollers of a LocalStack world, started when a test module first needs that world."""

Clients = Callable[[str], Any]


@dataclass
class Baseline:
    tables: dict[str, list[str]] = field(default_factory=dict)
    """Each table's key attribute names."""
    items: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = field(default_factory=dict)
    """Each table's items, by key."""
    buckets: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    buses: list[str] = field(default_factory=list)
    state_machines: list[str] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)
    """The stack's buckets under Object Lock (asked once: a bucket's lock cannot be turned off)."""
    unstoppable: set[str] = field(default_factory=set)
    """Executions an earlier test left that the emulator would not stop: reported once, by that test."""
    settled: frozenset[threading.Thread] = frozenset()
    """The threads alive when the last test had finished (a later one is a late invocation)."""


@dataclass(frozen=True)
class Inventory:
    """What exists in the account, and the threads alive, when a test begins."""

    buckets: frozenset[str]
    queues: frozenset[str]
    rules: frozenset[tuple[str, str]]
    """(event bus, rule name)."""
    threads: frozenset[threading.Thread]


def take_baseline(clients: Clients, provisioned: Any) -> Baseline:
    """What the stack holds now: what every test starts from."""
    kinds = _by_type(provisioned)
    baseline = Baseline(buckets=list(kinds.get("AWS::S3::Bucket", [])), queues=list(kinds.get("AWS::SQS::Queue", [])),
                        buses=["default", *kinds.get("AWS::Events::EventBus", [])],
                        state_machines=list(kinds.get("AWS::Serverless::StateMachine", [])))
    baseline.locked = {bucket for bucket in baseline.buckets if _object_locked(clients("s3"), bucket)}
    dynamodb = clients("dynamodb")
    for table in kinds.get("AWS::DynamoDB::Table", []):
        schema = dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        baseline.tables[table] = [k["AttributeName"] for k in schema]
        baseline.items[table] = {_key(item, baseline.tables[table]): item for item in _scan(dynamodb, table)}
    baseline.settled = frozenset(threading.enumerate())
    return baseline


def begin(clients: Clients, baseline: Baseline, forget_mail: Callable[[], None]) -> Inventory:
    """The stack's data back to the baseline; what exists now, for `finish`."""
    sqs, s3 = clients("sqs"), clients("s3")
    for url in baseline.queues:
        sqs.purge_queue(QueueUrl=url)  # every message, those a test received and left invisible too
    # LocalStack's own SQS mappings may have taken a message the last test left: its invocation ends first.
    _wait_for_threads(baseline.settled)
    for bucket in baseline.buckets:
        _empty_bucket(s3, bucket, locked=bucket in baseline.locked)
    _reset_tables(clients("dynamodb"), baseline)
    forget_mail()
    return Inventory(buckets=frozenset(_bucket_names(s3)), queues=frozenset(_queue_urls(sqs)),
                     rules=frozenset(_rules(clients("events"), baseline.buses)),
                     threads=frozenset(threading.enumerate()))


def finish(clients: Clients, baseline: Baseline, before: Inventory) -> None:
    """Nothing the test started runs on, nothing it created is left (see the module's docstring)."""
    _stop_executions(clients("stepfunctions"), baseline)
    _wait_for_threads(before.threads)
    events, sqs, s3 = clients("events"), clients("sqs"), clients("s3")
    for bus, name in set(_rules(events, baseline.buses)) - before.rules:
        targets = [t["Id"] for t in events.list_targets_by_rule(Rule=name, EventBusName=bus)["Targets"]]
        if targets:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=targets, Force=True)
        events.delete_rule(Name=name, EventBusName=bus, Force=True)
    for url in set(_queue_urls(sqs)) - before.queues:
        sqs.delete_queue(QueueUrl=url)
    for bucket in set(_bucket_names(s3)) - before.buckets:
        _empty_bucket(s3, bucket)
        s3.delete_bucket(Bucket=bucket)
    baseline.settled = frozenset(threading.enumerate())


def _by_type(provisioned: Any) -> dict[str, list[Any]]:
    kinds: dict[str, list[Any]] = {}
    for resource in provisioned.resources.values():
        if resource.emulated:
            kinds.setdefault(resource.type, []).append(resource.physical_id)
    return kinds


def _key(item: dict[str, Any], attributes: list[str]) -> tuple[Any, ...]:
    return tuple(tuple(sorted(item[name].items())) for name in attributes)


def _scan(dynamodb: Any, table: str) -> Iterable[dict[str, Any]]:
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        yield from page.get("Items", [])


def _stop_executions(stepfunctions: Any, baseline: Baseline) -> None:
    """Every running execution stopped (a Wait state too). One that has only just started may not be
    stoppable yet (moto's worker has no environment until its thread runs): asked again until none runs.
    One that still runs after `SETTLE_SECONDS` fails this test and is then left alone, so that it does
    not fail every test after it too."""
    deadline = time.monotonic() + SETTLE_SECONDS
    next_release = time.monotonic() + 1.0
    while running := [e["executionArn"] for arn in baseline.state_machines
                      for page in stepfunctions.get_paginator("list_executions").paginate(
                          stateMachineArn=arn, statusFilter="RUNNING")
                      for e in page["executions"] if e["executionArn"] not in baseline.unstoppable]:
        if time.monotonic() > deadline:
            baseline.unstoppable.update(running)
            raise RuntimeError(f"the test's executions would not stop: {running}")
        for execution in running:
            with contextlib.suppress(ClientError, AttributeError):
                stepfunctions.stop_execution(executionArn=execution, cause="test reset")
        if time.monotonic() > next_release:  # still running: a task waiting for its token (moto's stop leaves it)
            next_release = time.monotonic() + 1.0
            for execution in running:
                _fail_waiting_tasks(stepfunctions, execution)
        time.sleep(0.05)


def _fail_waiting_tasks(stepfunctions: Any, execution: str) -> None:
    """Each task token the execution was given (a `.waitForTaskToken` task's resolved parameters) answered
    with a failure, so that a stopped execution left waiting for an answer ends."""
    with contextlib.suppress(ClientError):
        history = stepfunctions.get_execution_history(executionArn=execution, maxResults=1000)["events"]
        for event in history:
            parameters = event.get("taskScheduledEventDetails", {}).get("parameters")
            if not parameters:
                continue
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                token = json.loads(parameters).get("Payload", {}).get("taskToken")
                if token:
                    with contextlib.suppress(ClientError):
                        stepfunctions.send_task_failure(taskToken=token, error="TestReset", cause="test reset")


def _wait_for_threads(known: frozenset[threading.Thread]) -> None:
    """The threads the test started (executions, asynchronous invocations, requests served to the
    emulator) have ended: nothing of it can write into the next test's tables."""
    deadline = time.monotonic() + SETTLE_SECONDS
    for thread in set(threading.enumerate()) - known:
        if (thread is threading.current_thread() or thread.name.endswith(SERVER_THREADS)
                or thread.name.startswith(POLLER_THREADS)):
            continue
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            raise RuntimeError(f"the test left {thread.name} running for {SETTLE_SECONDS} s")


def _rules(events: Any, buses: list[str]) -> Iterable[tuple[str, str]]:
    for bus in buses:
        for page in events.get_paginator("list_rules").paginate(EventBusName=bus):
            for rule in page["Rules"]:
                yield bus, rule["Name"]


def _queue_urls(sqs: Any) -> list[str]:
    return [url for page in sqs.get_paginator("list_queues").paginate() for url in page.get("QueueUrls", [])]


def _bucket_names(s3: Any) -> list[str]:
    return [b["Name"] for b in s3.list_buckets().get("Buckets", [])]


def _empty_bucket(s3: Any, bucket: str, *, locked: bool | None = None) -> None:
    """Every version and delete marker gone, and every unfinished multipart upload aborted. A bucket
    under Object Lock (evidence, COMPLIANCE mode) keeps its objects: nobody may delete them, not even a
    test; its keys are named after messages no other test publishes."""
    for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
        for upload in page.get("Uploads", []):
            s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    if _object_locked(s3, bucket) if locked is None else locked:
        return
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                  for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if doomed:
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})
            if answer.get("Errors"):
                raise RuntimeError(f"could not empty {bucket}: {answer['Errors'][:3]}")


def _object_locked(s3: Any, bucket: str) -> bool:
    try:
        configuration = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    except ClientError:
        return False
    return configuration.get("ObjectLockEnabled") == "Enabled"


def _reset_tables(dynamodb: Any, baseline: Baseline) -> None:
    for table, attributes in baseline.tables.items():
        wanted = baseline.items[table]
        found = {_key(item, attributes): item for item in _scan(dynamodb, table)}
        deletes = [{"DeleteRequest": {"Key": {a: item[a] for a in attributes}}}
                   for key, item in found.items() if key not in wanted]
        puts = [{"PutRequest": {"Item": item}} for key, item in wanted.items() if found.get(key) != item]
        _batch_write(dynamodb, table, deletes + puts)


def _batch_write(dynamodb: Any, table: str, requests: list[dict[str, Any]]) -> None:
    for start in range(0, len(requests), 25):
        pending: dict[str, Any] = {table: requests[start:start + 25]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
