"""Counts AWS API calls with a botocore event hook on every client created while counting."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session

from bench.cost import Meter


@contextmanager
def counting_calls(sync: Meter | None = None, derived: Meter | None = None, *,
                   evaluated: Counter[str] | None = None) -> Iterator[Counter[str]]:
    """Yields the calls made by the counting thread, by "service:Operation"; with meters, also what each call
    costs, the calls of the counting thread in ``sync`` and those of every other thread (pollers,
    consumers) in ``derived``; with ``evaluated``, also the entries DynamoDB's Queries and Scans evaluated
    (their ScannedCount, before any FilterExpression: what a read cost), under "dynamodb"."""
    counts: Counter[str] = Counter()
    original = botocore.session.Session.create_client
    counting_thread = threading.get_ident()

    def count_evaluated(parsed: dict[str, Any], **_: Any) -> None:
        if evaluated is not None:
            evaluated["dynamodb"] += int(parsed.get("ScannedCount", 0))

    def count(model: Any, **_: Any) -> None:
        if threading.get_ident() == counting_thread:
            counts[f"{model.service_model.service_name}:{model.name}"] += 1

    def observe(params: Any, model: Any, **_: Any) -> None:
        meter = sync if threading.get_ident() == counting_thread else derived
        if meter is not None:
            meter.observe(model.service_model.service_name, model.name, params)

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", count)
        client.meta.events.register("before-parameter-build.*.*", observe)
        if evaluated is not None:
            client.meta.events.register("after-call.dynamodb.Query", count_evaluated)
            client.meta.events.register("after-call.dynamodb.Scan", count_evaluated)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]
