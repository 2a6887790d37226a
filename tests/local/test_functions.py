"""The in-process Lambda runtime: handlers loaded from their files, context, errors as Lambda gives them."""

from __future__ import annotations

import json

import pytest
from ebox_local.errors import HandlerNotFound
from ebox_local.functions import forget_handlers, invoke_for_payload, load_handler
from ebox_local.model import LocalFunction

HANDLER = """
import datetime
from dataclasses import dataclass

LOADS = []


@dataclass
class Answer:
    value: "int"


def handler(event, context):
    LOADS.append(1)
    if event.get("date"):
        return {"when": datetime.date(2026, 1, 1)}
    if event.get("raise"):
        raise KeyError("missing")
    return {"loads": len(LOADS), "answer": Answer(1).value, "name": context.function_name,
            "left": context.get_remaining_time_in_millis(), "id": context.aws_request_id}
"""


@pytest.fixture
def function(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "main.py").write_text(HANDLER)
    yield LocalFunction("Fn", "local-fn", "arn:aws:lambda:eu-west-1:123456789012:function:local-fn", tmp_path,
                        "pkg.main.handler", {}, timeout=5)
    forget_handlers()


def test_a_handler_is_loaded_from_its_file_once_until_forgotten(function):
    first = json.loads(invoke_for_payload(function, {})[0])
    assert first["name"] == "local-fn" and 0 < first["left"] <= 5000 and first["answer"] == 1
    assert json.loads(invoke_for_payload(function, {})[0])["loads"] == 2  # same module: a warm start
    forget_handlers()
    assert json.loads(invoke_for_payload(function, {})[0])["loads"] == 1  # a cold start again


def test_errors_are_answered_as_lambda_does(function):
    payload, error = invoke_for_payload(function, {"raise": True})
    assert error == "Unhandled"
    assert json.loads(payload)["errorType"] == "KeyError" and json.loads(payload)["stackTrace"]
    payload, error = invoke_for_payload(function, {"date": True})
    assert (error, json.loads(payload)["errorType"]) == ("Unhandled", "Runtime.MarshalError")


def test_a_missing_handler_is_a_typed_error(tmp_path):
    with pytest.raises(HandlerNotFound, match="no handler module"):
        load_handler(tmp_path, "absent.handler")
    (tmp_path / "app.py").write_text("handler = 42\n")
    with pytest.raises(HandlerNotFound, match="no callable 'handler'"):
        load_handler(tmp_path, "app.handler")
    forget_handlers()
