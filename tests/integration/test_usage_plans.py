"""A usage plan per client (decision 0024), through the API and the authorizer function: an approved sender gets
an API key of its own in the clients' usage plan, and its tokens are counted against it; a client without a key
(the demo data, written before) is counted under the shared key; a token that does not verify is refused in the
API's own words, before the API runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from ebox_local.functions import load_handler

from tests.integration.test_onboarding_api import ADMIN, json_call, submit

ROOT = Path(__file__).resolve().parents[2]
METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/Prod/GET/messageRegistry/v2/ebox/messages"


@pytest.fixture
def authorize(stack) -> Any:
    handler = load_handler(ROOT / "functions" / "authorize", "app.handler")
    return lambda token: handler({"type": "TOKEN", "authorizationToken": token, "methodArn": METHOD_ARN}, None)


def _plan_keys(plan_id: str) -> dict[str, str]:
    """The plan's keys by name (an emulator that keeps its state, LocalStack, holds other runs' plans too)."""
    keys = boto3.client("apigateway").get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan_id)
    return {k["name"]: k["value"] for page in keys for k in page["items"]}


@pytest.fixture
def plans(stack) -> dict[str, str]:
    """The clients' plan (the sender registry function's EBOX_USAGE_PLAN_ID) and the shared key's plan."""
    apigateway = boto3.client("apigateway")
    shared = stack.environment["EBOX_SHARED_USAGE_KEY"]
    [key] = [k for page in apigateway.get_paginator("get_api_keys").paginate(includeValues=True)
             for k in page["items"] if k["value"] == shared]
    [shared_plan] = apigateway.get_usage_plans(keyId=key["id"])["items"]
    return {"clients": stack.environment["EBOX_USAGE_PLAN_ID"], "shared": shared_plan["id"]}


def test_an_approved_sender_is_counted_against_a_key_of_its_own(api, authorize, plans):
    operator = api.token("ops-admin", "demo-secret")
    request = submit(api).json()
    approved = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/approve", token=operator)
    assert approved.status == 200, approved.body
    granted = approved.json()
    assert granted["usagePlan"] == "client"
    [key_value] = [v for name, v in _plan_keys(plans["clients"]).items() if name.endswith(granted["clientId"])]

    answer = authorize(f"Bearer {api.token(granted['clientId'], granted['clientSecret'])}")
    assert answer["principalId"] == granted["clientId"] and answer["usageIdentifierKey"] == key_value
    assert answer["context"] == {"clientId": granted["clientId"], "usagePlan": "client"}
    [statement] = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/Prod/*"


def test_a_client_without_a_key_of_its_own_shares_the_shared_key(api, authorize, enterprise_token, plans):
    answer = authorize(f"bearer {enterprise_token}")
    assert answer["usageIdentifierKey"] in _plan_keys(plans["shared"]).values()
    assert answer["context"] == {"clientId": "ent-0852093431", "usagePlan": "shared"}


@pytest.mark.parametrize("token", ["not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "a.b.c"])
def test_a_token_that_does_not_verify_is_denied_with_the_api_s_words(api, authorize, token):
    answer = authorize(f"Bearer {token}")
    [statement] = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Deny" and "usageIdentifierKey" not in answer
    said = api.call("GET", "/messageRegistry/v2/ebox/messages", headers={"Authorization": f"Bearer {token}"})
    assert said.status == 401
    assert answer["context"]["message"] == said.json()["message"].replace('"', "'")


def test_imported_clients_get_keys_of_their_own(api, plans):
    operator = api.token("ops-admin", "demo-secret")
    data = {"oauthClients": [{"clientId": "imported-client", "secret": "imported-secret-1",
                              "enterpriseNumber": "0852093431", "scopes": ["consult"]}]}
    answer = json_call(api, "POST", f"{ADMIN}/registry/import", data, token=operator)
    assert answer.status == 200, answer.body
    assert answer.json()["usageKeys"] == 1
    assert any(name.endswith("-imported-client") for name in _plan_keys(plans["clients"]))
