"""Fault injection on the statistics consumer (moto tier): a batch of the bus's events (a first read, a
preference change) goes to `record_statistics` while each AWS call it makes fails in each way of
tests.faults; SQS then delivers what failed again (the whole batch after a crash or an error, the records
the answer names otherwise; cold after a crash) until nothing is left. The operator must then see exactly
the figures of a clean run: no event lost, none counted twice. docs/reliability.md holds the table. (The
publications are counted by the outbox from the stream: tests/integration/test_streamed_statistics.py.)"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.apigw import publication
from tests.conftest import ROOT, on_localstack
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector, injected
from tests.integration.test_pipeline_handlers import sqs_event
from tests.reliability_tables import replace_section

pytestmark = pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")
STATISTICS = "/admin/v1/statistics"
ENTERPRISE = "0852093431"
ATTEMPTS = 4
SECTION = "statistics table"
_rows: dict[tuple[Call, str], str] = {}


@pytest.fixture(scope="module")
def consumer(world: Any) -> Any:
    from ebox_local.functions import load_handler

    return load_handler(ROOT / "functions" / "record_statistics", "app.handler")


@pytest.fixture
def published(api: Any, sender_token: str) -> list[str]:
    """Four publications (one registered), counted by the outbox from the stream."""
    ids = [api.publish(sender_token, publication()).json()["messageId"] for _ in range(3)]
    return [*ids, api.publish(sender_token, publication(registeredMailType="registered")).json()["messageId"]]


@pytest.fixture
def events(stack: Any, api: Any, published: list[str], enterprise_token: str) -> dict[str, Any]:
    """The statistics queue's events after the publications: a first read and a preference."""
    ids = published
    href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{ids[0]}").json()[
        "attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    body = json.dumps({"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0852093431"},
                       "exclusivelyEbox": True}).encode()
    assert api.call("PATCH", "/federation/v1/eboxPreferences", body=body, headers={
        "Authorization": f"Bearer {enterprise_token}", "Content-Type": "application/json"}).status == 200
    event = sqs_event(stack, stack.provisioned.queue_url("StatisticsQueue"), 2)
    assert len(event["Records"]) == 2
    return event


def _forget_counts(stack: Any, published: list[str]) -> None:
    """Every statistic gone; the publications counted again as the outbox counted them from the stream."""
    from ebox.domain.statistics import published_fact

    dynamodb, table = stack.services.client("dynamodb"), stack.environment["EBOX_STATISTICS_TABLE"]
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
    messages = [stack.services.index.get(ENTERPRISE, message_id) for message_id in published]
    assert None not in messages
    stack.services.streamed_publications.count_streamed(
        "shardId-forgotten", [(str(n), published_fact(m)) for n, m in enumerate(messages) if m is not None])


def _deliver(consumer: Any, event: dict[str, Any], injector: Injector) -> dict[str, int]:
    """SQS's side: the batch, then what failed of it, again, until nothing is left."""
    from ebox.wiring import reset_services

    records, retries = list(event["Records"]), 0
    for _ in range(ATTEMPTS):
        with injector.step("statistics"):
            try:
                answer = consumer({"Records": records}, None)
            except InjectedCrash:
                reset_services()  # the next delivery starts cold
                retries += 1
                continue
            except Exception:  # noqa: BLE001 - the whole batch comes back
                retries += 1
                continue
        failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
        records = [r for r in records if r["messageId"] in failed]
        if not records:
            break
        retries += 1
    return {"statistics": retries} if retries else {}


def _figures(api: Any) -> Any:
    return api.get(api.token("ops-admin", "demo-secret"), STATISTICS).json()


@pytest.fixture
def clean(stack: Any, api: Any, consumer: Any, events: dict[str, Any]) -> tuple[list[Call], Any]:
    injector = Injector()
    with injected(injector):
        assert not _deliver(consumer, events, injector)
    figures = _figures(api)
    assert consumer(events, None) == {"batchItemFailures": []}, "a batch delivered twice"
    assert _figures(api) == figures, "counted once, however often it is delivered"
    assert figures["eboxes"]["digitalOnly"] == 1 and figures["documentsPerYear"][0]["documents"] == 4
    return list(dict.fromkeys(injector.calls)), figures


@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_of_the_consumer_survives_the_fault(kind, stack, api, consumer, events, published, clean):
    calls, expected = clean
    failures = []
    for call in calls:
        _forget_counts(stack, published)
        injector = Injector(fault=Fault(call, kind))
        with injected(injector):
            retries = _deliver(consumer, events, injector)
        figures = _figures(api)
        problems = [] if figures == expected else [f"figures {figures}, a clean run's {expected}"]
        again = ", ".join(f"{step} ×{n}" for step, n in retries.items()) or "nothing"
        _rows[(call, kind)] = ("not reached" if not injector.fired else
                               "FAILS: " + "; ".join(problems) if problems else f"ok; again: {again}")
        if problems:
            failures.append(f"{call} × {kind}: {problems}")
    assert not failures, "\n".join(failures)


def test_docs_reliability_holds_the_statistics_table(clean):
    calls, _ = clean
    if len(_rows) != len(calls) * len(FAULTS):
        pytest.skip("only part of the matrix ran")
    assert replace_section(SECTION, [str(c) for c in calls], {(str(c), k): v for (c, k), v in _rows.items()},
                           write=bool(os.environ.get("EBOX_WRITE_RELIABILITY"))), \
        "docs/reliability.md is stale: rerun with EBOX_WRITE_RELIABILITY=1 (docs/testing.md)"
