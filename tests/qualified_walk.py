"""Step Functions' side of the qualified delivery, played in this process for the fault-injection tests
(tests/integration/test_fault_injection_qualified.py): the state machine is read from
statemachines/qualified_delivery.asl.json and walked (`Walk`), its tasks running the real handlers, so that
every AWS call they make is counted and can fail. Its ``Retry`` and ``Catch`` are followed as Step Functions
follows them (a ``waitForTaskToken`` task gets a new token per attempt), and ``SendTaskSuccess``/
``SendTaskFailure`` reach the walk's `Tokens` after the fault injector, with the answers Step Functions
gives (``TaskTimedOut`` for a task that no longer waits on that token)."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from tests.conftest import ROOT
from tests.faults import InjectedCrash, Injector
from tests.integration.test_fault_injection import _cold_start

DEFINITION = ROOT / "statemachines" / "qualified_delivery.asl.json"


def crash_error() -> str:
    """How Step Functions names a Lambda task whose invocation died (killed, or out of time)."""
    return "Sandbox.Timedout"


@dataclass
class Tokens:
    """Step Functions' side of ``waitForTaskToken``: the token the task waits on now, and its answer."""

    waiting: str | None = None
    answer: tuple[str, Any] | None = None

    def issue(self) -> str:
        self.waiting, self.answer = f"token-{uuid.uuid4()}", None
        return self.waiting

    def send(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if params["taskToken"] != self.waiting or self.answer is not None:
            raise ClientError({"Error": {"Code": "TaskTimedOut", "Message": "Task Timed Out"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)
        self.answer = ("success", json.loads(params["output"])) if operation == "SendTaskSuccess" else (
            "failure", params["error"])
        return {}


@dataclass
class Case:
    """One qualified message through its workflow."""

    scenario: str
    marker: str = field(default_factory=lambda: f"qualified-case-{uuid.uuid4().hex}")
    message_id: str | None = None
    end: str | None = None
    """The state the execution ended in."""
    retries: dict[str, int] = field(default_factory=dict)
    answers: list[int] = field(default_factory=list)
    """The HTTP statuses the recipient's client got, in order."""
    told: list[str] = field(default_factory=list)
    """The outcome events put on the bus for the sender (each applied PutEvents)."""
    problems: list[str] = field(default_factory=list)


class Walk:
    """Runs the state machine's definition for one execution, its tasks calling the real handlers."""

    def __init__(self, case: Case, handlers: dict[str, Any], injector: Injector, tokens: Tokens,
                 answer: Callable[[Case], None]) -> None:
        self.case, self.handlers, self.injector, self.tokens, self.answer = case, handlers, injector, tokens, answer
        self.definition = json.loads(DEFINITION.read_text())
        self.execution = f"arn:aws:states:eu-west-1:000000000000:execution:qualified:{uuid.uuid4()}"

    def run(self, data: dict[str, Any]) -> str:
        name = self.definition["StartAt"]
        for _ in range(20):
            state = self.definition["States"][name]
            if state["Type"] in {"Succeed", "Fail"}:
                return str(name)
            if state["Type"] == "Choice":
                name = next((c["Next"] for c in state["Choices"]
                             if self._value(c["Variable"], data, {}) == c["StringEquals"]), state["Default"])
                continue
            if state["Type"] == "Pass":
                data, name = self._resolve(state["Parameters"], data, {}), state["Next"]
                continue
            result, error = self._task(name, state, data)
            if error is None:
                data = {**data, state["ResultPath"].removeprefix("$."): result}
                name = state["Next"]
                continue
            catcher = next((c for c in state.get("Catch", []) if matches(c["ErrorEquals"], error)), None)
            if catcher is None:
                return f"failed with {error}"
            data = {**data, catcher["ResultPath"].removeprefix("$."): {"Error": error}}
            name = catcher["Next"]
        return "looping"

    def _task(self, name: str, state: dict[str, Any], data: dict[str, Any]) -> tuple[Any, str | None]:
        """One Task state: its attempts as its Retry allows; (result, None) or (None, error)."""
        tried: dict[int, int] = {}
        while True:
            error = self._attempt(name, state, data)
            if error is None or error[0] is None:
                return (None if error is None else error[1]), None
            failed = error[0]
            retrier = next((i for i, r in enumerate(state.get("Retry", [])) if matches(r["ErrorEquals"], failed)),
                           None)
            if retrier is None or tried.get(retrier, 0) >= state["Retry"][retrier]["MaxAttempts"]:
                return None, failed
            tried[retrier] = tried.get(retrier, 0) + 1
            self.case.retries[name] = self.case.retries.get(name, 0) + 1

    def _attempt(self, name: str, state: dict[str, Any], data: dict[str, Any]) -> tuple[str | None, Any] | None:
        """(error, None) on failure, (None, result) on success."""
        waits = state["Resource"].endswith(".waitForTaskToken")
        context = {"Task.Token": self.tokens.issue() if waits else None, "Execution.Id": self.execution}
        parameters = self._resolve(state["Parameters"], data, context)
        function = parameters["FunctionName"] if waits else state["Resource"]
        payload = parameters["Payload"] if waits else parameters
        with self.injector.step(name):
            try:
                result = self.handlers[function](payload, None)
            except InjectedCrash:
                _cold_start()
                return crash_error(), None
            except Exception as failure:  # noqa: BLE001 - a function error: its errorType is the class name
                return type(failure).__name__, None
        if not waits:
            return None, result
        self.answer(self.case)  # the recipient answers while the task waits (or lets the window pass)
        if self.tokens.answer is None:
            return "States.Timeout", None
        kind, value = self.tokens.answer
        return (None, value) if kind == "success" else (value, None)

    def _resolve(self, parameters: Any, data: dict[str, Any], context: dict[str, Any]) -> Any:
        if isinstance(parameters, dict):
            resolved = {}
            for key, value in parameters.items():
                if key.endswith(".$"):
                    resolved[key[:-2]] = self._value(value, data, context)
                else:
                    resolved[key] = self._resolve(value, data, context)
            return resolved
        return parameters

    @staticmethod
    def _value(path: str, data: dict[str, Any], context: dict[str, Any]) -> Any:
        if path.startswith("$$."):
            return context[path[3:]]
        if found := re.fullmatch(r"States\.StringToJson\('(.*)'\)", path):
            return json.loads(found.group(1).replace("${AcceptanceWindowSeconds}", "1296000"))
        value: Any = data
        for part in path.removeprefix("$.").split("."):
            value = value[part]
        return value


def matches(names: list[str], error: str) -> bool:
    return error in names or "States.ALL" in names or ("States.TaskFailed" in names and error != "States.Timeout")


@contextlib.contextmanager
def injected_with_workflow(injector: Injector, tokens: Tokens, case: Case) -> Iterator[None]:
    """Every client's calls through ``injector``; those that pass it reach AWS (moto), except Step
    Functions' task answers, which reach the walk's tokens. Outcome events that reached the bus are noted."""
    original = BaseClient._make_api_call

    def applied(client: Any, operation: str, params: Any) -> Any:
        service = client.meta.service_model.service_name
        if service == "stepfunctions" and operation in {"SendTaskSuccess", "SendTaskFailure"}:
            return tokens.send(operation, params)
        answer = original(client, operation, params)
        if service == "events" and operation == "PutEvents":
            case.told.extend(e["DetailType"] for e in params["Entries"] if e["DetailType"].startswith("Registered"))
        return answer

    def make_api_call(client: Any, operation: str, params: Any) -> Any:
        return injector.call(client, applied, operation, params)

    BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
