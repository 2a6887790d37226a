"""Counts AWS API calls with a botocore event hook on every client created while counting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session


@contextmanager
def counting_calls(evaluated: Counter[str] | None = None) -> Iterator[Counter[str]]:
    """Counts calls by "service:Operation"; with ``evaluated``, also the entries DynamoDB's Queries and Scans
    evaluated (their ScannedCount, before any FilterExpression: what a read cost), under "dynamodb"."""
    counts: Counter[str] = Counter()
    original = botocore.session.Session.create_client

    def count_evaluated(parsed: dict[str, Any], **_: Any) -> None:
        if evaluated is not None:
            evaluated["dynamodb"] += int(parsed.get("ScannedCount", 0))

    def count(model: Any, **_: Any) -> None:
        counts[f"{model.service_model.service_name}:{model.name}"] += 1

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", count)
        if evaluated is not None:
            client.meta.events.register("after-call.dynamodb.Query", count_evaluated)
            client.meta.events.register("after-call.dynamodb.Scan", count_evaluated)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]
