"""A usage plan per client, as deployed (decision 0024): every route that needs a token goes through the Lambda
authorizer, whose answer is cached per token and names the client's API key (ApiKeySourceType AUTHORIZER);
the routes anyone may call are exactly the OpenAPI document's operations without `security`; the gateway's
refusals are e-Box StatusMessages; only the sender registry function may make API keys. Read from the SAM
transform's output, i.e. what CloudFormation would create."""

from __future__ import annotations

import json
from typing import Any

from ebox.api.openapi import openapi_document

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method")


def _api(transformed: dict[str, Any]) -> dict[str, Any]:
    [api] = [r["Properties"] for r in transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    return api


def _operations(transformed: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): op for path, ops in _api(transformed)["Body"]["paths"].items()
            for method, op in ops.items() if method in METHODS}


def test_the_api_takes_each_request_s_api_key_from_the_authorizer(transformed):
    api = _api(transformed)
    assert api["ApiKeySourceType"] == "AUTHORIZER", "clients send only their token: the authorizer names the key"
    [authorizer] = [s["x-amazon-apigateway-authorizer"] for s in api["Body"]["securityDefinitions"].values()
                    if "x-amazon-apigateway-authorizer" in s]
    assert authorizer["type"] == "token", "a TOKEN authorizer: its answer is cached per Authorization header"
    assert 60 <= authorizer["authorizerResultTtlInSeconds"] <= 3600, "cached, or every request pays an invocation"
    assert authorizer.get("identityValidationExpression"), "a header that is no bearer token costs no invocation"


def test_routes_without_a_token_are_exactly_the_openapi_operations_without_security(transformed):
    public = {(path, method) for path, ops in openapi_document()["paths"].items()
              for method, op in ops.items() if "security" not in op}
    unguarded, guarded = set(), []
    for (path, method), op in _operations(transformed).items():
        if op.get("security") == []:
            unguarded.add((path, method))
        else:
            names = {name for requirement in op["security"] for name in requirement}
            guarded.append(names)
            assert names == {"BearerToken", "api_key"}, f"{method} {path}: the authorizer and an API key, not {names}"
    assert unguarded == public
    assert guarded, "the routes that need a token go through the authorizer"


def test_each_client_s_key_has_limits_of_its_own_on_the_api_s_stage(template, transformed):
    resources = transformed["Resources"]
    plans = {n: r["Properties"] for n, r in resources.items() if r["Type"] == "AWS::ApiGateway::UsagePlan"}
    assert set(plans) == {"ClientUsagePlan", "SharedUsagePlan"}
    for name, plan in plans.items():
        assert plan["ApiStages"] == [{"ApiId": {"Ref": "EboxApi"}, "Stage": "Prod"}], name
        assert plan["Throttle"]["RateLimit"] and plan["Throttle"]["BurstLimit"], name
    client = template["Resources"]["ClientUsagePlan"]["Properties"]
    assert client["Throttle"] == {"RateLimit": {"Ref": "ClientRateLimit"}, "BurstLimit": {"Ref": "ClientBurstLimit"}}
    assert client["Quota"] == {"Limit": {"Ref": "ClientDailyQuota"}, "Period": "DAY"}
    registry = template["Resources"]["SenderRegistryFunction"]["Properties"]["Environment"]["Variables"]
    assert registry["EBOX_USAGE_PLAN_ID"] == {"Ref": "ClientUsagePlan"}
    shared = template["Resources"]["SharedUsageKey"]["Properties"]["Value"]
    authorizer = template["Resources"]["AuthorizeFunction"]["Properties"]["Environment"]["Variables"]
    assert authorizer["EBOX_SHARED_USAGE_KEY"] == shared, "the authorizer names the key the template declares"
    assert template["Resources"]["SharedUsagePlanKey"]["Properties"]["UsagePlanId"] == {"Ref": "SharedUsagePlan"}


def test_only_the_sender_registry_function_may_make_api_keys(transformed):
    reaching = {}
    for name, resource in transformed["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                found = [a for a in actions if a.startswith("apigateway:") or a == "*"]
                if found:
                    reaching.setdefault(name, []).append((sorted(found), json.dumps(statement["Resource"])))
    assert set(reaching) == {"SenderRegistryFunctionRole"}, reaching
    for actions, resource in reaching["SenderRegistryFunctionRole"]:
        assert resource.endswith('::/apikeys"}') or "/usageplans/${ClientUsagePlan}/keys" in resource, resource
        assert set(actions) <= {"apigateway:POST", "apigateway:GET"}, actions


def test_the_authorizer_reads_clients_and_the_token_key_and_writes_nothing(template):
    statements = template["Resources"]["AuthorizeFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"]
    actions = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert actions - {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                      "xray:GetSamplingRules", "xray:GetSamplingTargets"} == {"dynamodb:GetItem", "kms:GetPublicKey"}
    [registry] = [s for s in statements if s["Action"] == "dynamodb:GetItem"]
    assert registry["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["CLIENT#*", "IDP_CLIENT#*"]


def test_the_gateway_s_refusals_are_status_messages(transformed):
    responses = _api(transformed)["Body"]["x-amazon-apigateway-gateway-responses"]
    expected = {"UNAUTHORIZED": "401", "ACCESS_DENIED": "401", "THROTTLED": "429", "QUOTA_EXCEEDED": "429",
                "AUTHORIZER_FAILURE": "503", "MISSING_AUTHENTICATION_TOKEN": "404"}
    for kind, status in expected.items():
        response = responses[kind]
        assert response["statusCode"] == status, kind
        body = response["responseTemplates"]["application/json"]["Fn::Sub"]
        message = json.loads(body.replace("${Environment}", "production"))
        assert set(message) == {"id", "code", "message", "environment"}, kind
    assert "$context.authorizer.message" in responses["ACCESS_DENIED"]["responseTemplates"]["application/json"][
        "Fn::Sub"], "a refused token is told why, in the API's own words"


def test_each_resource_of_its_own_has_every_method_the_api_serves_there(transformed):
    """API Gateway routes to the most specific resource, then its method: a method missing there is a 404 (its
    MISSING_AUTHENTICATION_TOKEN), never the /{proxy+}'s. So each path the template declares apart must declare
    every method the API serves on it."""
    served = openapi_document()["paths"]
    declared: dict[str, set[str]] = {}
    for (path, method), _ in _operations(transformed).items():
        declared.setdefault(path, set()).add(method)
    for path, methods in declared.items():
        if path in {"/", "/{proxy+}"}:
            continue
        assert "x-amazon-apigateway-any-method" in methods or set(served[path]) <= methods, \
            f"{path}: the API serves {sorted(served[path])}, the resource declares {sorted(methods)}"
