"""What moto 5.2.5 (pinned) does not do without Docker, done here, on its backends in this process:

- Lambda's Invoke (Step Functions' Lambda tasks, `lambda:invoke` integrations, boto3) runs the real
  handler; a handler's exception becomes a function error whose `errorType` is its class name.
- EventBridge rules deliver to Step Functions and Lambda targets (moto delivers only to SQS, logs,
  buses and archives, and raises NotImplementedError out of PutEvents for any other target): a state
  machine target starts an execution with the event as input; other targets are logged and skipped.
- StartExecution without a name gets a unique one, as on AWS (moto names it "None", so that every
  nameless execution shares one ARN).
- TransactWriteItems backs up only the items it touches, one transaction at a time (moto_dynamodb);
  EventBridge's JSONPath expressions are parsed once (moto_jsonpath).
- DynamoDB Streams forget the records every reader has passed, and expire iterators (moto_streams).
- A rule with a ScheduleExpression and no EventPattern only fires on its schedule (moto matches every
  event against a missing pattern, so that each S3 upload ran the scheduled jobs).
- S3's EventBridge notifications (moto sends them to every rule with one fixed event id and a
  numeric time) go to the default bus only, with an id of their own and an ISO time.

`install` patches moto's classes; `uninstall` restores them."""

from __future__ import annotations

import copy
import json
import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.events.models import EventTemplateParser, Rule
from moto.events.utils import _BASE_EVENT_MESSAGE
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import get_backend as stepfunctions_backend
from moto.utilities.arns import parse_arn

from ebox_local import moto_dynamodb, moto_jsonpath, moto_streams
from ebox_local.functions import invoke
from ebox_local.invocations import answer_invoke, in_background
from ebox_local.model import Provisioned
from ebox_local.stream_pollers import deliver_inline

logger = logging.getLogger("ebox_local")
_ORIGINAL_INVOKE = LambdaSimpleBackend.invoke
_ORIGINAL_SEND = Rule.send_to_targets
_ORIGINAL_START = StepFunctionsParserBackend.start_execution
_RUNTIME_TARGETS = ("states", "lambda")
_MOTO_TARGETS = ("sqs", "logs", "events")  # what moto's Rule.send_to_targets delivers itself
_installed: Provisioned | None = None


def install(provisioned: Provisioned, *, inline_streams: bool = False) -> None:
    """``inline_streams``: DynamoDB stream records reach their functions within the write that made them
    (the tests' in-process moto, where no poller runs); otherwise ebox_local's stream pollers read them."""
    global _installed  # noqa: PLW0603 - moto's classes are process-wide; so is what they are patched with
    _installed = provisioned
    LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign, assignment]
    Rule.send_to_targets = _send_to_targets  # type: ignore[method-assign]
    StepFunctionsParserBackend.start_execution = _start_execution  # type: ignore[method-assign, assignment]
    moto_dynamodb.install()
    moto_streams.install()
    moto_jsonpath.install()
    if inline_streams:
        moto_dynamodb.set_stream_listener(_stream_records)


def _stream_records(table: Any, records: list[dict[str, Any]]) -> None:
    provisioned = _installed
    if provisioned is None:
        return
    for mapping in provisioned.stream_mappings:
        if mapping.table_name == table.name:
            deliver_inline(mapping, provisioned.functions[mapping.function], records,
                           getattr(table, "region_name", "eu-west-1"), shard_id=stream_shard_id(table))


def stream_shard_id(table: Any) -> str | None:
    """The id of the moto table's stream shard (moto keeps one per table), as Lambda names it in the event."""
    shard = getattr(table, "stream_shard", None)
    return getattr(shard, "id", None)


def uninstall() -> None:
    global _installed  # noqa: PLW0603
    _installed = None
    LambdaSimpleBackend.invoke = _ORIGINAL_INVOKE  # type: ignore[method-assign]
    Rule.send_to_targets = _ORIGINAL_SEND  # type: ignore[method-assign]
    StepFunctionsParserBackend.start_execution = _ORIGINAL_START  # type: ignore[method-assign]
    moto_dynamodb.uninstall()
    moto_streams.uninstall()
    moto_jsonpath.uninstall()


def _start_execution(self: StepFunctionsParserBackend, state_machine_arn: str, name: str | None = None,
                     execution_input: Any = None, trace_header: Any = None) -> Any:
    return _ORIGINAL_START(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)


def _invoke(self: LambdaSimpleBackend, function_name: str, qualifier: str | None, body: Any,  # noqa: PLR0917
            headers: Any, response_headers: dict[str, str]) -> bytes | str | None:
    """LambdaSimpleBackend.invoke, for the template's functions: runs the handler."""
    function = _installed.function_by_name(function_name) if _installed else None
    if function is None:
        return _ORIGINAL_INVOKE(self, function_name, qualifier, body, headers, response_headers)
    answer = answer_invoke(function, body, _header(headers, "X-Amz-Invocation-Type"))
    if answer.function_error:
        response_headers["x-amz-function-error"] = answer.function_error
    response_headers["x-amz-executed-version"] = "$LATEST"
    return answer.payload


def _header(headers: Any, name: str) -> str | None:
    items = headers.items() if isinstance(headers, Mapping) or hasattr(headers, "items") else []
    return next((str(v) for k, v in items if str(k).lower() == name.lower()), None)


def _send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    """Rule.send_to_targets, plus Step Functions and Lambda targets."""
    if self.scheduled_expression and not self.event_pattern.dump():
        return  # a schedule rule matches no event
    if not self.event_pattern.matches_event(original_event) or self.state != "ENABLED":
        return
    from_s3 = original_event.get("id") == _BASE_EVENT_MESSAGE["id"] and original_event.get("source") == "aws.s3"
    if from_s3 and self.event_bus_name != "default":
        return  # S3 sends to the account's default bus, moto to every bus
    event = normalised_event(original_event)
    by_moto = []
    for target in self.targets:
        service = parse_arn(target["Arn"]).service
        if service in _RUNTIME_TARGETS:
            _deliver(self, target, event)
        elif service in _MOTO_TARGETS:
            by_moto.append(target)
        else:  # moto would raise NotImplementedError, failing the PutEvents call itself
            logger.warning("event %s: rule %s targets %s, which is not emulated locally", event.get("detail-type"),
                           self.name, target["Arn"])
    if by_moto:
        rest = copy.copy(self)  # a shallow copy: concurrent deliveries through the same rule do not race
        rest.targets = by_moto
        _ORIGINAL_SEND(rest, original_event, transform_input)


def normalised_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it: an id of its own, `time` in ISO 8601."""
    event = dict(event)
    if event.get("id") in (None, "", _BASE_EVENT_MESSAGE["id"]):
        event["id"] = str(uuid.uuid4())
    if isinstance(event.get("time"), int | float):
        event["time"] = datetime.fromtimestamp(float(event["time"]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event.pop("ingestion-time", None)
    return event


def target_input(target: Mapping[str, Any], event: Any) -> Any:
    """The payload a target receives: Input, InputPath, InputTransformer or the event itself."""
    if target.get("Input"):
        return json.loads(target["Input"])
    if target.get("InputPath"):
        found: Any = event
        for part in str(target["InputPath"]).removeprefix("$").strip(".").split("."):
            found = found.get(part) if part and isinstance(found, dict) else found
        return found
    transformer = target.get("InputTransformer")
    if transformer:
        text = EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                         input_paths_map=transformer.get("InputPathsMap", {}), event=event)
        return json.loads(text) if isinstance(text, str) else text
    return event


def _deliver(rule: Rule, target: Mapping[str, Any], event: dict[str, Any]) -> None:
    arn = str(target["Arn"])
    payload = target_input(target, event)
    if parse_arn(arn).service == "states":
        try:
            # Named after the event, as one event starts one execution; moto needs a unique name.
            execution = stepfunctions_backend(rule.account_id, rule.region_name).start_execution(
                arn, name=str(event["id"]), execution_input=json.dumps(payload))
        except Exception:  # noqa: BLE001 - S3 swallows delivery errors silently: say it here
            logger.exception("event %s (%s): rule %s could not start %s", event.get("detail-type"), event["id"],
                             rule.name, arn)
            return
        logger.info("event %s started %s", event.get("detail-type"), execution.execution_arn)
        return
    function = _installed.function_by_name(arn) if _installed else None
    if function is None:
        logger.warning("event %s: rule %s targets %s, which the local stack does not run",
                       event.get("detail-type"), rule.name, arn)
        return
    in_background(function.logical_id, lambda: invoke(function, payload))  # EventBridge invokes asynchronously
