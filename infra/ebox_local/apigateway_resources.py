"""API Gateway's usage plans and API keys (`AWS::ApiGateway::UsagePlan`, `ApiKey`, `UsagePlanKey`), created in the
emulator's API Gateway as CloudFormation would create them: the local gateway enforces them (ebox_local.usage)
and the functions that make keys at run time find the plans there. A plan's `ApiStages` are left out: the API
itself is the local gateway, not a REST API of the emulator's."""

from __future__ import annotations

from typing import Any

from ebox_local.model import Created, Creator, ProvisioningContext


def _limits(props: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    throttle = props.get("Throttle") or {}
    if throttle:
        args["throttle"] = {k: v for k, v in (("rateLimit", float(throttle.get("RateLimit", 0))),
                                               ("burstLimit", int(throttle.get("BurstLimit", 0)))) if v}
    quota = props.get("Quota") or {}
    if quota:
        args["quota"] = {"limit": int(quota["Limit"]), "period": str(quota.get("Period", "DAY")),
                         **({"offset": int(quota["Offset"])} if "Offset" in quota else {})}
    return args


def usage_plan(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    name = props.get("UsagePlanName") or f"{ctx.prefix}-{logical_id}"
    plan = ctx.client("apigateway").create_usage_plan(name=name, description=props.get("Description", ""),
                                                      **_limits(props))
    return plan["id"], {"Id": plan["id"]}


def api_key(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    args: dict[str, Any] = {"name": props.get("Name") or f"{ctx.prefix}-{logical_id}",
                            "enabled": props.get("Enabled", True) not in (False, "false")}
    if props.get("Value"):
        args["value"] = str(props["Value"])
    key = ctx.client("apigateway").create_api_key(**args)
    return key["id"], {"APIKeyId": key["id"]}


def usage_plan_key(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    ctx.client("apigateway").create_usage_plan_key(usagePlanId=props["UsagePlanId"], keyId=props["KeyId"],
                                                   keyType=props.get("KeyType", "API_KEY"))
    return f"{props['UsagePlanId']}:{props['KeyId']}", {"Id": f"{props['UsagePlanId']}:{props['KeyId']}"}


CREATORS: dict[str, Creator] = {
    "AWS::ApiGateway::UsagePlan": usage_plan,
    "AWS::ApiGateway::ApiKey": api_key,
    "AWS::ApiGateway::UsagePlanKey": usage_plan_key,
}
