"""Logs and metrics every function shares (Powertools for AWS Lambda).

Logs: JSON lines through the Powertools logger of the `ebox` service. Every `ebox.*` module logs with the
standard `logging.getLogger(__name__)`; those loggers are children of `ebox`, so their lines come out in
the same JSON, with the invocation's keys (`function_name`, `function_request_id`) and those of the work in
hand: `message_id` and `correlation_id` (the API Gateway request id for the API; the EventBridge event id,
or the execution's, for the asynchronous functions).

Metrics: CloudWatch embedded metric format (EMF), namespace `eBox`, written when an invocation ends:
`Published`, `Refused` (dimension `code`), `EmailsSent`, `EvidenceWritten`, `BulkLines` (dimension
`status`).

Both go to the process's own stdout (CloudWatch Logs on Lambda), not to a stand-in that a test or a CLI
runner may have put in `sys.stdout` meanwhile. Nothing is built at import time.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

SERVICE = "ebox"
NAMESPACE = "eBox"
PUBLISHED = "Published"
REFUSED = "Refused"
EMAILS_SENT = "EmailsSent"
EVIDENCE_WRITTEN = "EvidenceWritten"
BULK_LINES = "BulkLines"

Handler = TypeVar("Handler", bound=Callable[..., Any])
_counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
_counts_lock = threading.Lock()
_logger_lock = threading.Lock()


def _stdout() -> TextIO:
    return sys.__stdout__ or sys.stdout


def logger() -> Logger:
    """The `ebox` logger: the parent of every `ebox.*` module's logger, writing JSON. Its lines stop there
    (the Lambda runtime's own handler would print them again, as text); the filter Powertools puts on the
    root's handlers for that is taken off, as it would also hide every logger whose name holds "ebox".
    Made once, under a lock: the local stack's first requests arrive on several threads at once, and a
    thread that saw the handler before Powertools had given it its formatter could not log."""
    with _logger_lock:
        return _make_logger()


@functools.cache
def _make_logger() -> Logger:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.filters import SuppressFilter

    log = Logger(service=SERVICE, logger_handler=logging.StreamHandler(_stdout()))
    logging.getLogger(SERVICE).propagate = False
    for handler in logging.root.handlers:
        for ours in [f for f in handler.filters if isinstance(f, SuppressFilter) and f.logger == SERVICE]:
            handler.removeFilter(ours)
    return log


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """Adds `value` to the metric `name` (with these dimensions), written when the invocation ends."""
    if value > 0:
        with _counts_lock:
            _counts[name, tuple(sorted(dimensions.items()))] += value


def flush_metrics() -> None:
    """Writes the counts so far as EMF documents (one per set of dimensions) and starts again from zero."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    with _counts_lock:
        counts = dict(_counts)
        _counts.clear()
    by_dimensions: dict[tuple[tuple[str, str], ...], dict[str, int]] = {}
    for (name, dimensions), value in counts.items():
        by_dimensions.setdefault(dimensions, {})[name] = value
    for dimensions, values in by_dimensions.items():
        metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
        for key, dimension in dimensions:
            metrics.add_dimension(name=key, value=dimension)
        for name, value in values.items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        _stdout().write(json.dumps(metrics.serialize_metric_set(), separators=(",", ":")) + "\n")


@contextmanager
def about(message_id: str | None = None, correlation_id: str | None = None, **keys: Any) -> Iterator[None]:
    """Every log line written inside carries these keys (in this thread only: the local stack runs
    functions side by side); afterwards the keys are as they were."""
    added = {k: v for k, v in {"message_id": message_id, "correlation_id": correlation_id, **keys}.items()
             if v is not None}
    log = logger()
    current = log.thread_safe_get_current_keys()
    previous = {k: current[k] for k in added if k in current}
    log.thread_safe_append_keys(**added)
    try:
        yield
    finally:
        log.thread_safe_remove_keys(list(added))
        log.thread_safe_append_keys(**previous)


def observed(correlation_id: Callable[[dict[str, Any]], str | None] | None = None,
             message_id: Callable[[dict[str, Any]], str | None] | None = None) -> Callable[[Handler], Handler]:
    """A handler's decorator: the invocation's keys on every log line (function, request id, and the
    correlation and message ids read from the event), a line for a failure, the metrics written at the end."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def wrapper(event: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
            fields = event if isinstance(event, dict) else {}
            try:
                with about(message_id=message_id(fields) if message_id else None,
                           correlation_id=correlation_id(fields) if correlation_id else None,
                           function_name=getattr(context, "function_name", None),
                           function_request_id=getattr(context, "aws_request_id", None)):
                    try:
                        return handler(event, context, *args, **kwargs)
                    except Exception:
                        logger().exception("the invocation failed")
                        raise
            finally:
                flush_metrics()

        return wrapper  # type: ignore[return-value]

    return decorate


# Where the ids are in the events the functions receive.
def api_request_id(event: dict[str, Any]) -> str | None:
    return (event.get("requestContext") or {}).get("requestId")


def api_message_id(event: dict[str, Any]) -> str | None:
    """`…/messages/{messageId}/…` in the request's path."""
    parts = (event.get("path") or "").split("/")
    return parts[parts.index("messages") + 1] if "messages" in parts[:-1] else None


def task_message_id(event: dict[str, Any]) -> str | None:
    """A Step Functions task's input: the message's id at the top, or in the event that started it."""
    return event.get("messageId") or (event.get("detail") or {}).get("messageId")


def bulk_task_id(event: dict[str, Any]) -> str | None:
    """A bulk import task's input: the batch (after Prepare), else the execution that runs it."""
    return event.get("batchId") or event.get("execution")


def chunk_batch_id(body: str) -> str | None:
    """A chunk of bulk lines (SQS): the batch it belongs to."""
    return _json_field(body, "batchId")


def download_id(body: str) -> str | None:
    """A download job (SQS): its id."""
    return _json_field(body, "downloadId")


def _json_field(body: str, key: str) -> str | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value.get(key) if isinstance(value, dict) else None


def bus_event(body: dict[str, Any]) -> dict[str, Any]:
    """The keys of an EventBridge event delivered through SQS: the message it is about, and its event id."""
    return {"message_id": (body.get("detail") or {}).get("messageId"), "correlation_id": body.get("id")}


def callback_keys(body: dict[str, Any]) -> dict[str, Any]:
    """A message of the callback queue: a bus event's keys, or a retry's delivery (its id ties its attempts)."""
    retry = body.get("retry")
    if isinstance(retry, dict):
        return {"correlation_id": retry.get("deliveryId")}
    return bus_event(body)
