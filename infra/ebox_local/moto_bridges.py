"""What moto does not do without Docker, done here: Lambda invocations run the real handlers, and
EventBridge rules deliver to Step Functions and Lambda targets. Installed on moto's backends in this
process (moto 5.2.5, pinned); `uninstall` restores them."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.events.models import Rule
from moto.stepfunctions.responses import get_backend as stepfunctions_backend
from moto.utilities.arns import parse_arn

from ebox_local.functions import invoke
from ebox_local.provisioning import Provisioned

logger = logging.getLogger("ebox_local")
_ORIGINAL_INVOKE = LambdaSimpleBackend.invoke
_ORIGINAL_SEND = Rule.send_to_targets


def install(provisioned: Provisioned) -> None:
    def run_handler(  # noqa: PLR0917 - the signature of the moto method it replaces
        self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any,
                    headers: Any, response_headers: Any) -> bytes:
        function = provisioned.function_by_name(function_name)
        if function is None:
            answer = _ORIGINAL_INVOKE(self, function_name, qualifier, body, headers, response_headers) or b""
            return answer.encode() if isinstance(answer, str) else answer
        event = json.loads(body) if body else {}
        try:
            result = invoke(function, event)
        except Exception as error:  # noqa: BLE001 - reported to the caller as Lambda reports it
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)}).encode()
        return json.dumps(result).encode()

    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        if not self.event_pattern.matches_event(original_event):
            return
        ours = [t for t in self.targets if parse_arn(t["Arn"]).service in ("states", "lambda")]
        for target in ours:
            _deliver(target, original_event, provisioned, self.account_id, self.region_name)
        if len(ours) < len(self.targets):
            others = self.targets
            self.targets = [t for t in others if t not in ours]
            try:
                _ORIGINAL_SEND(self, original_event, transform_input)
            finally:
                self.targets = others

    LambdaSimpleBackend.invoke = run_handler  # type: ignore[method-assign]
    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]


def uninstall() -> None:
    LambdaSimpleBackend.invoke = _ORIGINAL_INVOKE  # type: ignore[method-assign]
    Rule.send_to_targets = _ORIGINAL_SEND  # type: ignore[method-assign]


def _deliver(target: dict[str, Any], event: Any, provisioned: Provisioned, account: str, region: str) -> None:
    arn = target["Arn"]
    payload = json.loads(target["Input"]) if target.get("Input") else event
    if parse_arn(arn).service == "states":
        # Named after the event, as EventBridge does: one execution per event, and moto needs a name.
        name = str(event.get("id") or uuid.uuid4())
        execution = stepfunctions_backend(account, region).start_execution(
            arn, name=name, execution_input=json.dumps(payload))
        logger.info("event %s started %s", event.get("detail-type"), execution.execution_arn)
        return
    function = provisioned.function_by_name(arn)
    if function is not None:
        _in_background(lambda: invoke(function, payload))


def _in_background(work: Callable[[], Any]) -> None:
    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - an asynchronous invocation's failure is logged, as Lambda does
            logger.exception("asynchronous invocation failed")

    threading.Thread(target=run, daemon=True).start()
