"""The local gateway does what API Gateway does before the integration: the route's Lambda TOKEN authorizer
(validation expression, cached answers, the policy), the API key's usage plan (throttle, quota) and the
API's gateway responses for every refusal."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from ebox_local.authorizers import allows
from ebox_local.gateway import Gateway
from ebox_local.model import ApiRoute, ApiSettings, GatewayResponse, LambdaAuthorizer, LocalFunction
from ebox_local.usage import UsagePlans
from moto import mock_aws
from werkzeug.test import Client

from tests.local.conftest import FIXTURES

API = LocalFunction("ApiFunction", "api", "arn:aws:lambda:eu-west-1:123456789012:function:api", FIXTURES, "app.handler",
                    {})
AUTHORIZE = LocalFunction("AuthorizeFunction", "authorize", "arn:aws:lambda:eu-west-1:123456789012:function:authorize",
                          FIXTURES, "app.handler", {})
ROUTES = [ApiRoute("/{proxy+}", "ANY", "ApiFunction", api="Api", authorizer="Bearer", api_key_required=True),
          ApiRoute("/public", "GET", "ApiFunction", api="Api")]
STATUS_MESSAGE = '{"id": "$context.requestId", "code": "UNAUTHORIZED", "message": "%s", "environment": "test"}'
SETTINGS = ApiSettings(
    authorizers={"Bearer": LambdaAuthorizer("Bearer", "AuthorizeFunction", validation=r"^Bearer [A-Za-z0-9.]+$")},
    default_authorizer="Bearer", api_key_required=True, api_key_source="AUTHORIZER",
    responses={"UNAUTHORIZED": GatewayResponse(401, {"WWW-Authenticate": 'Bearer error="invalid_token"'},
                                               STATUS_MESSAGE % "a bearer token is required"),
               "ACCESS_DENIED": GatewayResponse(401, {}, STATUS_MESSAGE % "$context.authorizer.message"),
               "AUTHORIZER_FAILURE": GatewayResponse(503, {}, '{"code": "SERVICE_UNAVAILABLE"}')})


class World:
    """A fake authorizer (token "good" → key "key-of-good-client-0001", anything else denied) and API."""

    def __init__(self, key_value: str) -> None:
        self.key_value = key_value
        self.integration_events: list[dict[str, Any]] = []
        self.crash = False

    def invoke(self, function: LocalFunction, event: dict[str, Any]) -> Any:
        if function.logical_id == "AuthorizeFunction":
            if self.crash:
                raise RuntimeError("the registry table is unreachable")
            resource = event["methodArn"].rsplit("/", 2)[0] + "/*"
            if event["authorizationToken"] == "Bearer good":
                allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource}
                return {"principalId": "sender-1", "usageIdentifierKey": self.key_value,
                        "context": {"clientId": "sender-1"}, "policyDocument": {"Statement": [allow]}}
            return {"principalId": "anonymous", "context": {"message": "the access token has expired"},
                    "policyDocument": {"Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke",
                                                      "Resource": resource}]}}
        self.integration_events.append(event)
        return {"statusCode": 200, "body": "{}"}


@pytest.fixture
def apigateway(aws_env):
    with mock_aws():
        yield boto3.client("apigateway")


def _plan(apigateway, key_value: str, **limits: Any) -> None:
    plan = apigateway.create_usage_plan(name="clients", **limits)
    key = apigateway.create_api_key(name="sender-1", enabled=True, value=key_value)
    apigateway.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")


def _client(world: World, apigateway, clock: Any = None) -> tuple[Client, Gateway]:
    gateway = Gateway(status=dict, mail=list, invoker=world.invoke)
    usage = UsagePlans(lambda: apigateway, **({"clock": clock} if clock else {}))
    gateway.open(ROUTES, {"ApiFunction": API, "AuthorizeFunction": AUTHORIZE}, [], apis={"Api": SETTINGS},
                 usage=usage)
    return Client(gateway), gateway


def test_no_token_or_a_garbled_one_is_the_api_s_401_without_invoking_anything(apigateway):
    world = World("key-of-good-client-0001")
    client, gateway = _client(world, apigateway)
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer <script>"}):
        answer = client.get("/messages", headers=headers)
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        body = answer.json
        assert body["code"] == "UNAUTHORIZED" and body["message"] == "a bearer token is required" and body["id"]
    assert gateway.authorizers.invocations == 0 and world.integration_events == []


def test_a_refused_token_is_told_why_and_the_refusal_is_cached(apigateway):
    world = World("key-of-good-client-0001")
    client, gateway = _client(world, apigateway)
    for _ in range(3):
        answer = client.get("/messages", headers={"Authorization": "Bearer expired"})
        assert answer.status_code == 401
        assert answer.json["message"] == "the access token has expired"
    assert gateway.authorizers.invocations == 1 and world.integration_events == []


def test_an_allowed_caller_reaches_the_api_with_its_client_and_key_and_is_authorized_once(apigateway):
    world = World("key-of-good-client-0001")
    _plan(apigateway, world.key_value, throttle={"rateLimit": 100.0, "burstLimit": 100})
    client, gateway = _client(world, apigateway)
    for path in ("/messages", "/messages/1", "/evidence"):
        assert client.get(path, headers={"Authorization": "Bearer good"}).status_code == 200
    assert gateway.authorizers.invocations == 1, "the answer holds for the whole stage, cached per token"
    context = world.integration_events[-1]["requestContext"]
    assert context["authorizer"] == {"principalId": "sender-1", "clientId": "sender-1"}
    assert context["identity"]["apiKey"] == world.key_value and context["identity"]["apiKeyId"]
    assert client.get("/public").status_code == 200 and gateway.authorizers.invocations == 1


def test_a_client_beyond_its_burst_or_its_quota_gets_429(apigateway):
    world = World("key-of-good-client-0001")
    _plan(apigateway, world.key_value, throttle={"rateLimit": 1.0, "burstLimit": 2},
          quota={"limit": 3, "period": "DAY"})
    stopped_clock = lambda: 1000.0  # noqa: E731 - no refill: the bucket holds its burst only
    client, _ = _client(world, apigateway, clock=stopped_clock)
    statuses = [client.get("/m", headers={"Authorization": "Bearer good"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    times = iter(range(2000, 3000, 5))
    client, _ = _client(world, apigateway, clock=lambda: float(next(times)))  # refilled between requests
    statuses = [client.get("/m", headers={"Authorization": "Bearer good"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429], "three a day"
    assert json.loads(client.get("/m", headers={"Authorization": "Bearer good"}).data) == {"message": "Limit Exceeded"}


def test_a_key_in_no_plan_is_refused_and_a_failing_authorizer_is_the_api_s_503(apigateway):
    world = World("key-in-no-plan-000000001")
    client, _ = _client(world, apigateway)
    assert client.get("/m", headers={"Authorization": "Bearer good"}).status_code == 403
    world.crash = True
    answer = client.get("/m", headers={"Authorization": "Bearer other"})
    assert answer.status_code == 503 and answer.json == {"code": "SERVICE_UNAVAILABLE"}
    assert world.integration_events == []


def test_a_disabled_key_is_refused_and_an_enabled_one_admitted_again(apigateway):
    world = World("key-of-good-client-0001")
    _plan(apigateway, world.key_value, throttle={"rateLimit": 100.0, "burstLimit": 100})
    times = iter(range(1000, 2000, 10))  # each request past the known keys' refresh
    client, _ = _client(world, apigateway, clock=lambda: float(next(times)))
    assert client.get("/m", headers={"Authorization": "Bearer good"}).status_code == 200
    [key] = apigateway.get_api_keys()["items"]
    for enabled, status in (("false", 403), ("true", 200)):  # a suspension, then a reinstatement
        apigateway.update_api_key(apiKey=key["id"], patchOperations=[
            {"op": "replace", "path": "/enabled", "value": enabled}])
        assert client.get("/m", headers={"Authorization": "Bearer good"}).status_code == status


def test_a_key_made_a_moment_ago_is_admitted_at_its_first_request(apigateway):
    world = World("key-of-new-client-000001")
    client, _ = _client(world, apigateway, clock=lambda: 1000.0)  # no time passes: no periodic refresh
    assert client.get("/m", headers={"Authorization": "Bearer good"}).status_code == 403  # no key yet
    _plan(apigateway, world.key_value, throttle={"rateLimit": 100.0, "burstLimit": 100})  # an approval makes it
    assert client.get("/m", headers={"Authorization": "Bearer good"}).status_code == 200


@pytest.mark.parametrize(("statements", "allowed"), [
    ([{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:r:1:api/stage/*"}], True),
    ([{"Effect": "Allow", "Action": "execute-api:Invoke",
       "Resource": "arn:aws:execute-api:r:1:api/stage/GET/x"}], False),
    ([{"Effect": "Allow", "Action": "execute-api:*", "Resource": ["arn:aws:execute-api:r:1:api/stage/*"]},
      {"Effect": "Deny", "Action": "execute-api:Invoke",
       "Resource": "arn:aws:execute-api:r:1:api/stage/POST/*"}], False),
    ([], False),
])
def test_policies_as_iam_reads_them(statements, allowed):
    assert allows({"Statement": statements}, "arn:aws:execute-api:r:1:api/stage/POST/messages") is allowed
