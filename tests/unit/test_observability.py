"""Every function's log lines are JSON with the message id and the correlation id; its counts come out as
CloudWatch EMF documents when the invocation ends."""

from __future__ import annotations

import ast
import io
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from ebox import observability


@pytest.fixture
def lines(monkeypatch) -> io.StringIO:
    """What the `ebox` logger and the metrics write, instead of the process's stdout."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(observability.logger().registered_formatter)
    logging.getLogger("ebox").addHandler(handler)
    monkeypatch.setattr(observability, "_stdout", lambda: out)
    yield out
    logging.getLogger("ebox").removeHandler(handler)


def _records(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
CONTEXT = SimpleNamespace(function_name="ebox-test-notify", aws_request_id="req-1")


def test_a_module_line_carries_the_invocation_the_message_and_the_correlation_id(lines):
    @observability.observed(correlation_id=lambda e: e["id"], message_id=observability.task_message_id)
    def handler(event, context):
        logging.getLogger("ebox.pipeline.example").info("working on it")
        with observability.about(message_id="m-2", correlation_id="evt-2"):
            logging.getLogger("ebox.adapters.example").warning("inner record")
        logging.getLogger("ebox.adapters.example").info("outer again")
        return "done"

    assert handler({"id": "evt-1", "detail": {"messageId": "m-1"}}, CONTEXT) == "done"
    [outer, inner, again] = [r for r in _records(lines) if "message" in r and r.get("level")]
    assert outer["message"] == "working on it" and outer["level"] == "INFO" and outer["service"] == "ebox"
    assert (outer["message_id"], outer["correlation_id"]) == ("m-1", "evt-1")
    assert (outer["function_name"], outer["function_request_id"]) == ("ebox-test-notify", "req-1")
    assert (inner["message_id"], inner["correlation_id"]) == ("m-2", "evt-2")
    assert (again["message_id"], again["correlation_id"]) == ("m-1", "evt-1")


def test_keys_do_not_outlive_their_invocation(lines):
    @observability.observed(message_id=observability.task_message_id)
    def handler(event, context):
        return None

    handler({"messageId": "m-1"}, None)
    logging.getLogger("ebox.pipeline.example").info("between invocations")
    [record] = _records(lines)
    assert "message_id" not in record and "function_name" not in record


def test_a_failure_is_logged_with_its_keys_and_raised(lines):
    @observability.observed(correlation_id=observability.api_request_id, message_id=observability.api_message_id)
    def handler(event, context):
        raise RuntimeError("boom")

    event = {"path": "/messageRegistry/v2/ebox/messages/m-9/body", "requestContext": {"requestId": "api-1"}}
    with pytest.raises(RuntimeError):
        handler(event, CONTEXT)
    [record] = _records(lines)
    assert record["level"] == "ERROR" and "boom" in record["exception"]
    assert (record["message_id"], record["correlation_id"]) == ("m-9", "api-1")


def test_counts_are_written_as_emf_when_the_invocation_ends(lines):
    @observability.observed()
    def handler(event, context):
        observability.count(observability.PUBLISHED, 2)
        observability.count(observability.EMAILS_SENT)
        observability.count(observability.REFUSED, code="INVALID_INPUT")
        observability.count(observability.REFUSED, code="INVALID_INPUT")
        observability.count(observability.BULK_LINES, 0, status="published")  # nothing to say

    handler({}, CONTEXT)
    documents = {tuple(sorted(d["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0])): d for d in _records(lines)}
    assert set(documents) == {("service",), ("code", "service")}
    plain, refused = documents["service",], documents["code", "service"]
    assert plain["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "eBox"
    assert (plain["Published"], plain["EmailsSent"]) == ([2.0], [1.0])
    assert (refused["code"], refused["Refused"]) == ("INVALID_INPUT", [2.0])
    observability.observed()(lambda event, context: None)({}, CONTEXT)
    assert len(_records(lines)) == 2  # nothing counted, nothing written


def test_the_ids_are_found_where_each_event_holds_them():
    assert observability.api_message_id({"path": "/messageRegistry/v3/ebox/messages"}) is None
    assert observability.api_message_id({"path": "/messageRegistry/v3/ebox/messages/abc/evidences"}) == "abc"
    assert observability.bus_event({"id": "e-1", "detail": {"messageId": "m"}}) == {
        "message_id": "m", "correlation_id": "e-1"}
    assert observability.callback_keys({"id": "e-2", "detail-type": "MessageRead", "detail": {"messageId": "m"}}) == {
        "message_id": "m", "correlation_id": "e-2"}
    assert observability.callback_keys({"retry": {"organizationId": "o", "deliveryId": "d-1"}}) == {
        "correlation_id": "d-1"}


def test_every_function_is_observed_and_takes_its_dependencies():
    """Each handler logs through the `ebox` logger with the invocation's keys and writes its metrics
    (observability.observed), and takes ``deps`` so that a test passes fakes (the composition root)."""
    unobserved = []
    for app in sorted(FUNCTIONS.glob("*/app.py")):
        [handler] = [node for node in ast.parse(app.read_text()).body
                     if isinstance(node, ast.FunctionDef) and node.name == "handler"]
        decorators = [ast.unparse(d) for d in handler.decorator_list]
        if not any(d.startswith("observability.observed(") for d in decorators):
            unobserved.append(f"{app.parent.name}: not observed")
        if "deps" not in [a.arg for a in handler.args.args + handler.args.kwonlyargs]:
            unobserved.append(f"{app.parent.name}: no deps")
    assert len(list(FUNCTIONS.glob("*/app.py"))) > 10
    assert unobserved == []
