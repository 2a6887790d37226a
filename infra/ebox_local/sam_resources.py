"""SAM resource types: functions (registered in moto's Lambda, run in-process by the local runtime),
state machines (created through the Step Functions API, substitutions applied here), layers, and
the event sources SAM attaches to them (SQS, Api, EventBridgeRule, Schedule)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

from ebox_local.cfn_resources import put_rule
from ebox_local.errors import TemplateError
from ebox_local.invocations import INVOKE_URL_VARIABLE
from ebox_local.model import (
    ApiRoute,
    Created,
    Creator,
    LocalFunction,
    ProvisioningContext,
    SqsMapping,
    StreamMapping,
)
from ebox_local.sam_api import implicit_api_settings, route_auth
from ebox_local.schedules import LocalSchedule
from ebox_local.template import substitute_definition, with_globals

__all__ = ["CREATORS", "environment_text", "local_concurrency", "serverless_function", "with_globals"]

logger = logging.getLogger("ebox_local")
RULE_EVENTS = ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")


def environment_text(value: Any) -> str:
    """An environment variable's value as Lambda receives it (CloudFormation stringifies scalars)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serverless_function(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    raw = with_globals(ctx.template.get("Globals", {}).get("Function", {}), raw)
    props = ctx.resolver.resolve({k: v for k, v in raw.items() if k != "Events"})
    name = props.get("FunctionName") or f"{ctx.prefix}-{logical_id}"
    code_uri = props.get("CodeUri")
    if not isinstance(code_uri, str) or "Handler" not in props:
        raise TemplateError(f"{logical_id}: only a local CodeUri directory with a Handler can run locally")
    environment = {k: environment_text(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
    timeout, memory = int(props.get("Timeout", 3)), int(props.get("MemorySize", 128))
    # An emulator in another process is told where this process runs the handler (not the handler's own env).
    emulated_environment = dict(environment, **(
        {INVOKE_URL_VARIABLE: ctx.invocation_url(name)} if ctx.invocation_url is not None else {}))
    ctx.client("lambda").create_function(
        FunctionName=name, Runtime=props.get("Runtime", "python3.12"), Role=props.get("Role") or ctx.execution_role(),
        Handler=props["Handler"], Code={"ZipFile": _placeholder_zip()}, Timeout=timeout, MemorySize=memory,
        Environment={"Variables": emulated_environment})
    arn = ctx.arn("lambda", f"function:{name}")
    ctx.result.functions[logical_id] = LocalFunction(
        logical_id, name, arn, (ctx.root / code_uri).resolve(), props["Handler"], environment, timeout, memory)
    for event_name, event in (raw.get("Events") or {}).items():
        _function_event(ctx, logical_id, arn, event_name, event)
    return name, {"Arn": arn}


def _function_event(ctx: ProvisioningContext, logical_id: str, arn: str, event_name: str,
                    event: dict[str, Any]) -> None:
    kind, props = event["Type"], ctx.resolver.resolve(event.get("Properties", {}))
    if kind == "SQS":
        if props.get("Enabled", True) in (False, "false"):
            return
        queue_arn = str(props["Queue"])
        url = ctx.client("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
        ctx.result.sqs_mappings.append(SqsMapping(
            logical_id, url, queue_arn, int(props.get("BatchSize", 10)),
            "ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
            local_concurrency(props.get("ScalingConfig", {}).get("MaximumConcurrency"))))
    elif kind == "DynamoDB":
        if props.get("Enabled", True) in (False, "false"):
            return
        stream_arn = str(props["Stream"])
        table_name = stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
        filters = tuple(json.loads(f["Pattern"]) for f in (props.get("FilterCriteria") or {}).get("Filters", []))
        ctx.result.stream_mappings.append(StreamMapping(
            logical_id, table_name, stream_arn, int(props.get("BatchSize", 100)), filters,
            int(props.get("TumblingWindowInSeconds", 0))))
    elif kind == "Api":
        rest_api = (event.get("Properties") or {}).get("RestApiId")
        api = rest_api.get("Ref") if isinstance(rest_api, dict) else None
        settings = ctx.result.apis[api] if api in ctx.result.apis else implicit_api_settings(ctx)
        authorizer, api_key_required = route_auth(settings, props)
        ctx.result.api_routes.append(ApiRoute(props["Path"], str(props["Method"]).upper(), logical_id, api=api,
                                              authorizer=authorizer, api_key_required=api_key_required))
    elif kind in RULE_EVENTS:
        rule = _rule_event(ctx, f"{logical_id}{event_name}", kind, props, {"Id": "function", "Arn": arn})
        if kind.startswith("Schedule"):
            ctx.result.schedules.append(LocalSchedule(rule, str(props.get("Schedule")), logical_id,
                                                      props.get("Input")))
    else:
        logger.info("template: %s event %s (%s) is not emulated locally", logical_id, event_name, kind)


LOCAL_MAX_CONCURRENCY = 4  # pollers per mapping: a laptop's cores, not Lambda's hundreds


def local_concurrency(maximum: object) -> int:
    """How many pollers serve an SQS mapping locally: its MaximumConcurrency, at most a few."""
    return max(1, min(int(str(maximum)) if maximum else 1, LOCAL_MAX_CONCURRENCY))


def _rule_event(ctx: ProvisioningContext, name: str, kind: str, props: dict[str, Any],
                target: dict[str, Any]) -> str:
    """SAM's EventBridgeRule / Schedule events: a rule whose target is the function or state machine."""
    target = {**target, **{k: props[k] for k in ("Input", "InputPath", "InputTransformer") if k in props}}
    if "Target" in props and "Id" in props["Target"]:
        target["Id"] = props["Target"]["Id"]
    rule = {"EventBusName": props.get("EventBusName"), "EventPattern": props.get("Pattern"),
            "ScheduleExpression": props.get("Schedule"), "State": props.get("State", "ENABLED")}
    if props.get("Enabled") is False:
        rule["State"] = "DISABLED"
    if kind.startswith("Schedule"):
        logger.info("template: schedule %s (%s) is created; locally, POST /local/schedules fires it",
                    name, props.get("Schedule"))
    rule_name = str(props.get("RuleName") or name)[:64]
    put_rule(ctx, rule_name, rule, [target])
    return rule_name


def serverless_state_machine(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve({k: v for k, v in raw.items() if k != "Events"})
    if "Definition" in props:
        definition = json.dumps(props["Definition"])
    elif isinstance(props.get("DefinitionUri"), str):
        definition = (ctx.root / props["DefinitionUri"]).read_text(encoding="utf-8")
    else:
        raise TemplateError(f"{logical_id}: a local DefinitionUri file or an inline Definition is needed")
    definition = substitute_definition(definition, props.get("DefinitionSubstitutions", {}))
    name = props.get("Name") or f"{ctx.prefix}-{logical_id}"
    arn = ctx.client("stepfunctions").create_state_machine(
        name=name, definition=definition, roleArn=props.get("Role") or ctx.execution_role(),
        type=props.get("Type", "STANDARD"))["stateMachineArn"]
    for event_name, event in (raw.get("Events") or {}).items():
        if event["Type"] in RULE_EVENTS:
            _rule_event(ctx, f"{logical_id}{event_name}", event["Type"],
                        ctx.resolver.resolve(event.get("Properties", {})),
                        {"Id": "state-machine", "Arn": arn, "RoleArn": ctx.execution_role()})
        else:
            logger.info("template: %s event %s (%s) is not emulated locally", logical_id, event_name, event["Type"])
    return arn, {"Arn": arn, "Name": name}


def serverless_layer_version(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    # The layer's package is installed in this environment (pip install -e .): nothing to create.
    name = ctx.resolver.resolve(raw).get("LayerName") or f"{ctx.prefix}-{logical_id}"
    return ctx.arn("lambda", f"layer:{name}:1"), {}


def _placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "The local stack runs this function's code in-process.")
    return buffer.getvalue()


CREATORS: dict[str, Creator] = {
    "AWS::Serverless::Function": serverless_function,
    "AWS::Serverless::StateMachine": serverless_state_machine,
    "AWS::Serverless::LayerVersion": serverless_layer_version,
}
