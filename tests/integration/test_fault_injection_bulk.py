"""Fault injection on the bulk worker (moto tier): for each AWS call a chunk's publication makes, each fault of
tests.faults, then SQS's redeliveries until the chunk succeeds. Each line must end published once or refused
with its report line: one message item inserted per published line and never rewritten, one evidence chain
per line (none for a message id no line answered), every chain verifying, the report complete.

A crashed delivery's lease has run out when SQS delivers the chunk again (the queue's visibility timeout,
1,800 s, is longer than the lease): the cases shorten the lease to nothing for that; a lease still held
is its own case below."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from tests.bulk_batches import archive, line_for
from tests.conftest import on_localstack
from tests.events import sqs_event as sqs_event_of
from tests.fakes import INACTIVE, SENDER
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector, injected
from tests.integration.test_bulk_import import batch_state, drop, report

pytestmark = pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")
ATTEMPTS = 4
GOOD_LINES = 3


@pytest.fixture
def bulk(stack: Any) -> dict[str, Any]:
    from ebox.wiring import services
    from ebox_local.functions import load_handler

    from tests.conftest import ROOT

    return {"services": services().bulk, "worker": load_handler(ROOT / "functions" / "bulk_publish", "app.handler"),
            "queue": stack.environment["EBOX_BULK_QUEUE_URL"]}


@pytest.fixture
def inserted(stack: Any) -> Any:
    """The messages table's stream records, held (no outbox runs: the case looks at what was written)."""
    from ebox_local import moto_bridges, moto_dynamodb

    held: list[dict[str, Any]] = []
    moto_dynamodb.set_stream_listener(lambda table, records: held.extend(records))
    try:
        yield held
    finally:
        moto_dynamodb.set_stream_listener(moto_bridges._stream_records)  # noqa: SLF001 - put back as it was


@pytest.fixture
def no_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    from ebox.pipeline import bulk_import

    monkeypatch.setattr(bulk_import, "LEASE_SECONDS", 0)


def _chunk(stack: Any, bulk: Any, batch_id: str) -> list[dict[str, Any]]:
    """The batch's one chunk, once Prepare and Release (the state machine, outside any step) queued it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        messages = stack.sqs.receive_message(QueueUrl=bulk["queue"], MaxNumberOfMessages=10,
                                             WaitTimeSeconds=1).get("Messages", [])
        if messages:
            return list(messages)
    raise AssertionError(f"batch {batch_id} was never queued: {batch_state(bulk, batch_id)}")


def _case(stack: Any, bulk: Any, injector: Injector) -> tuple[str, list[str], dict[str, int]]:
    """One batch through the worker: delivered again (cold after a crash) until it succeeds."""
    from ebox.wiring import reset_services

    batch_id = f"faults-{uuid.uuid4().hex[:10]}"
    markers = [f"bulk-fault-{uuid.uuid4()}" for _ in range(GOOD_LINES)]
    drop(stack, batch_id, archive([line_for(subject={"fr": m}) for m in markers] + [line_for(INACTIVE)]))
    messages = _chunk(stack, bulk, batch_id)
    retries: dict[str, int] = {}
    for tried in range(ATTEMPTS):
        with injector.step("bulk"):
            try:
                answer = bulk["worker"](sqs_event_of(messages), None)
            except InjectedCrash:
                reset_services()
                retries["bulk"] = tried + 1
                continue
            except Exception:  # noqa: BLE001 - the whole SQS batch comes back
                retries["bulk"] = tried + 1
                continue
        failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
        messages = [m for m in messages if m["MessageId"] in failed]
        if not messages:
            break
        retries["bulk"] = tried + 1
    return batch_id, markers, retries


def _problems(stack: Any, bulk: Any, api: Any, token: str, batch_id: str, markers: list[str],
              stream: list[dict[str, Any]]) -> list[str]:
    from ebox_cli.evidence_check import verify_records

    if batch_state(bulk, batch_id).get("status") != "COMPLETED":
        return [f"batch {batch_state(bulk, batch_id).get('status')}"]
    results = report(stack, batch_id)
    problems = []
    if [r["status"] for r in results] != ["published"] * GOOD_LINES + ["rejected"]:
        problems.append(f"report {[(r['status'], r.get('code')) for r in results]}")
    if results[-1].get("code") != "INVALID_INPUT" or not results[-1].get("evidenceId"):
        problems.append(f"refused line reported as {results[-1]}")
    published = [r.get("messageId") for r in results[:GOOD_LINES]]
    refused = str(results[-1].get("evidenceId", "")).removesuffix("-001")
    images = [(r["eventName"], r["dynamodb"]) for r in stream]
    for marker, message_id in zip(markers, published, strict=True):
        written = [(name, image) for name, image in images if marker in str(image.get("NewImage", ""))
                   and image["Keys"]["sk"]["S"].startswith("MSG#")]
        if [name for name, _ in written] != ["INSERT"] or f"MSG#{message_id}" != written[0][1]["Keys"]["sk"]["S"]:
            problems.append(f"message of {marker} written {[name for name, _ in written]}")
    chains = {image["Keys"]["pk"]["S"].removeprefix("MSG#") for _, image in images
              if image["Keys"]["sk"]["S"].startswith("EVIDENCE") and image["Keys"]["pk"]["S"].startswith("MSG#")}
    if chains != {*published, refused}:
        problems.append(f"evidence under {len(chains)} message ids, lines answered {len(published) + 1}")
    keys = api.call("GET", "/evidence/keys").json()
    for message_id, size in [*((m, 2) for m in published), (refused, 1)]:
        answer = api.get(token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences").json()
        records = [i["jws"] for i in answer.get("items", [])]
        if len(records) != size or not verify_records(records, keys, [], head=answer.get("head")).ok:
            problems.append(f"chain of {message_id}: {len(records)} records, verifies "
                            f"{verify_records(records, keys, [], head=answer.get('head')).problems}")
    return problems


@pytest.fixture
def clean_calls(stack: Any, bulk: Any, inserted: Any, no_lease: None) -> list[Call]:
    injector = Injector()
    with injected(injector):
        _, _, retries = _case(stack, bulk, injector)
    assert not retries
    return list(dict.fromkeys(injector.calls))


@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_of_a_chunk_survives_the_fault(kind, stack, bulk, api, sender_token, inserted, no_lease,
                                                   clean_calls):
    failures = []
    for call in clean_calls:
        inserted.clear()
        injector = Injector(fault=Fault(call, kind))
        with injected(injector):
            batch_id, markers, _ = _case(stack, bulk, injector)
        problems = _problems(stack, bulk, api, sender_token, batch_id, markers, inserted)
        if problems:
            failures.append(f"{call} × {kind}: {problems}")
    assert not failures, "\n".join(failures)


def test_a_second_delivery_while_the_first_holds_the_chunk_comes_back_later(stack, bulk):
    from ebox.domain.batch_plan import BatchRef

    drop(stack, "held", archive([line_for()]))
    messages = _chunk(stack, bulk, "held")
    ref, chunk = BatchRef(SENDER, "held"), messages[0]
    body = json.loads(chunk["Body"])
    bulk["services"].ledger.lease_chunk(ref, body["run"], int(body["chunk"]), seconds=300)  # another delivery
    answer = bulk["worker"](sqs_event_of(messages), None)
    assert answer["batchItemFailures"] == [{"itemIdentifier": chunk["MessageId"]}]
    assert batch_state(bulk, "held")["processed"] == 0  # nothing counted: the lines wait for the chunk's holder
