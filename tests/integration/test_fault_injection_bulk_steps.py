"""Fault injection on the bulk import's Prepare and Release steps (moto tier): a batch is dropped (the rule that
starts the state machine held, so that the case runs it) and `statemachines/bulk_import.asl.json` is walked
here, its tasks running the real handlers, while each AWS call of a step fails in each way of tests.faults: a
task that fails is retried as its `Retry` says (a function that died is `Sandbox.Timedout`), then follows its
`Catch`. The workers then publish what was queued. Each case must end `Done`, with the batch completed, each
line published once or refused with its report line, every chain verifying. docs/reliability.md holds the
table."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.bulk_batches import archive, line_for
from tests.conftest import ROOT, on_localstack
from tests.fakes import INACTIVE, SENDER
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector, injected
from tests.integration.test_bulk_import import batch_state, drain
from tests.integration.test_fault_injection_bulk import _problems, bulk, inserted, no_lease
from tests.qualified_walk import crash_error, matches
from tests.reliability_tables import replace_section

__all__ = ["bulk", "inserted", "no_lease"]  # fixtures of the bulk worker's cases, used here too
pytestmark = pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")
DEFINITION = ROOT / "statemachines" / "bulk_import.asl.json"
TASKS = {"${BulkPrepareFunctionArn}": "bulk_prepare", "${BulkReleaseFunctionArn}": "bulk_release"}
GOOD_LINES = 3
SECTION = "bulk steps table"
_rows: dict[tuple[Call, str], str] = {}


@pytest.fixture
def held_drops(stack: Any) -> Any:
    """The rule that starts the state machine on a drop, disabled for the test: the case walks it itself."""
    events = stack.services.client("events")
    [rule] = [r["Name"] for r in events.list_rules()["Rules"] if r["Name"].startswith("BulkImportStateMachine")]
    events.disable_rule(Name=rule)
    try:
        yield
    finally:
        events.enable_rule(Name=rule)


@pytest.fixture(scope="module")
def steps(world: Any) -> dict[str, Any]:
    from ebox_local.functions import load_handler

    return {name: load_handler(ROOT / "functions" / name, "app.handler") for name in TASKS.values()}


def _dropped(stack: Any, batch_id: str, data: bytes) -> dict[str, Any]:
    """The drop, and the S3 event EventBridge would have started the execution with."""
    key = f"{SENDER}/{batch_id}.zip"
    put = stack.s3.put_object(Bucket=stack.import_bucket, Key=key, Body=data)
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Object Created", "source": "aws.s3",
            "account": "123456789012", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": "eu-west-1", "resources": [f"arn:aws:s3:::{stack.import_bucket}"],
            "detail": {"version": "0", "bucket": {"name": stack.import_bucket}, "reason": "PutObject",
                       "object": {"key": key, "size": len(data), "etag": put["ETag"].strip('"'),
                                  "version-id": put.get("VersionId"), "sequencer": "0"}}}


def _walk(steps: dict[str, Any], event: dict[str, Any], injector: Injector) -> tuple[str, dict[str, int]]:
    """The execution: the state it ended in, and how often each task ran again."""
    definition = json.loads(DEFINITION.read_text(encoding="utf-8"))
    execution = f"arn:aws:states:eu-west-1:123456789012:execution:bulk-import:{uuid.uuid4()}"
    data: Any = event
    name, retries = definition["StartAt"], {}
    for _ in range(10):
        state = definition["States"][name]
        if state["Type"] in {"Succeed", "Fail"}:
            return str(name), retries
        if state["Type"] == "Choice":
            name = next((c["Next"] for c in state["Choices"]
                         if data.get(c["Variable"].removeprefix("$.")) == c["StringEquals"]), state["Default"])
            continue
        if state["Type"] == "Wait":  # sendAt: the cases release at once
            name = state["Next"]
            continue
        payload = {key.removesuffix(".$"): (data if path == "$" else execution)
                   for key, path in state["Parameters"].items()} if "Parameters" in state else data
        result, error = _task(name, state, steps[TASKS[state["Resource"]]], payload, injector, retries)
        if error is None:
            data, name = result, state["Next"]
            continue
        catcher = next((c for c in state.get("Catch", []) if matches(c["ErrorEquals"], error)), None)
        if catcher is None:
            return f"failed with {error}", retries
        name = catcher["Next"]
    return "looping", retries


def _task(name: str, state: dict[str, Any], handler: Any, payload: Any, injector: Injector,
          retries: dict[str, int]) -> tuple[Any, str | None]:
    from ebox.wiring import reset_services

    tried: dict[int, int] = {}
    while True:
        with injector.step(name):
            try:
                return handler(payload, None), None
            except InjectedCrash:
                reset_services()  # the next attempt starts cold
                failed = crash_error()
            except Exception as error:  # noqa: BLE001 - a function error: its errorType is the class's name
                failed = type(error).__name__
        retrier = next((i for i, r in enumerate(state.get("Retry", [])) if matches(r["ErrorEquals"], failed)), None)
        if retrier is None or tried.get(retrier, 0) >= state["Retry"][retrier]["MaxAttempts"]:
            return None, failed
        tried[retrier] = tried.get(retrier, 0) + 1
        retries[name] = retries.get(name, 0) + 1


def _case(stack: Any, bulk: Any, steps: dict[str, Any], injector: Injector) -> dict[str, Any]:
    batch_id = f"steps-{uuid.uuid4().hex[:10]}"
    markers = [f"bulk-step-fault-{uuid.uuid4()}" for _ in range(GOOD_LINES)]
    event = _dropped(stack, batch_id, archive([line_for(subject={"fr": m}) for m in markers] + [line_for(INACTIVE)]))
    end, retries = _walk(steps, event, injector)
    if end == "Done":
        with contextlib.suppress(AssertionError):  # not finished: the case's problems say how it was left
            drain(stack, bulk, batch_id)
    return {"batch": batch_id, "markers": markers, "end": end, "retries": retries}


@pytest.fixture
def clean_calls(stack: Any, bulk: Any, steps: Any, inserted: Any, held_drops: None, no_lease: None) -> list[Call]:
    injector = Injector()
    with injected(injector):
        case = _case(stack, bulk, steps, injector)
    assert case["end"] == "Done" and not case["retries"], case
    return list(dict.fromkeys(injector.calls))


@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_of_prepare_and_release_survives_the_fault(kind, stack, bulk, steps, api, sender_token, inserted,
                                                              held_drops, no_lease, clean_calls):
    failures = []
    for call in clean_calls:
        inserted.clear()
        injector = Injector(fault=Fault(call, kind))
        with injected(injector):
            case = _case(stack, bulk, steps, injector)
        if case["end"] != "Done":
            status = batch_state(bulk, case["batch"]).get("status")
            problems = [f"the execution ended {case['end']}, the batch {status}"]
        else:
            problems = _problems(stack, bulk, api, sender_token, case["batch"], case["markers"], inserted)
        again = ", ".join(f"{step} ×{n}" for step, n in case["retries"].items()) or "nothing"
        _rows[(call, kind)] = ("not reached" if not injector.fired else
                               "FAILS: " + "; ".join(problems) if problems else f"ok; again: {again}")
        if problems:
            failures.append(f"{call} × {kind}: {problems}")
    assert not failures, "\n".join(failures)


def test_docs_reliability_holds_the_bulk_steps_table(clean_calls):
    if len(_rows) != len(clean_calls) * len(FAULTS):
        pytest.skip("only part of the matrix ran")
    assert replace_section(SECTION, [str(c) for c in clean_calls],
                           {(str(c), k): v for (c, k), v in _rows.items()},
                           write=bool(os.environ.get("EBOX_WRITE_RELIABILITY"))), \
        "docs/reliability.md is stale: rerun with EBOX_WRITE_RELIABILITY=1 (docs/testing.md)"
