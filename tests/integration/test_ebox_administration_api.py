"""Administering an e-Box's partitions, users and routing rules through the API, on moto."""

import json

import pytest

from tests.apigw import publication

V3 = "/messageRegistry/v3/ebox"


def send(api, method, token, path, body):
    return api.call(method, path, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body=json.dumps(body).encode())


@pytest.fixture
def anna(api):
    return api.token("user-anna", "demo-secret")


@pytest.fixture
def bruno(api):
    return api.token("user-bruno", "demo-secret")


def test_people_see_the_partitions_they_hold_rights_on(api, anna, bruno):
    every = [p["partitionId"] for p in api.get(anna, V3 + "/partitions").json()["items"]]
    assert every == ["GENERAL", "ACCOUNTING", "HR"]
    assert [p["partitionId"] for p in api.get(bruno, V3 + "/partitions").json()["items"]] == ["ACCOUNTING"]


def test_an_administrator_creates_a_partition_grants_it_and_routes_to_it(api, anna, bruno, sender_token):
    assert send(api, "POST", anna, V3 + "/partitions", {"partitionId": "LEGAL", "name": "Juridique"}).status == 201
    granted = send(api, "PUT", anna, V3 + "/users/90020199734", {"roles": ["USER"],
                                                                 "partitions": ["ACCOUNTING", "LEGAL"]})
    assert granted.json() == {"ssin": "90020199734", "roles": ["USER"], "partitions": ["ACCOUNTING", "LEGAL"]}
    rules = send(api, "PUT", anna, V3 + "/routingRules", {"items": [
        {"partitionId": "LEGAL", "priority": 1, "senderOrganizationId": "0406798006", "messageTypeId": "demo-notice"},
        {"partitionId": "ACCOUNTING", "priority": 2, "messageTypeId": "demo-tax"}]})
    assert rules.status == 200 and [r["partitionId"] for r in rules.json()["items"]] == ["LEGAL", "ACCOUNTING"]
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    mine = api.get(bruno, "/messageRegistry/v2/ebox/messages").json()["items"]
    assert [(m["messageId"], m["partition"]) for m in mine] == [(message_id, "LEGAL")]


def test_only_administrators_administer(api, bruno):
    for method, path, body in [("POST", "/partitions", {"partitionId": "X", "name": "x"}),
                               ("PUT", "/users/90020199734", {"roles": ["ADMIN"], "partitions": ["HR"]}),
                               ("PUT", "/routingRules", [])]:
        answer = send(api, method, bruno, V3 + path, body)
        assert answer.status == 403 and answer.json()["code"] == "FORBIDDEN"
    assert api.get(bruno, V3 + "/users").status == 403
    assert api.get(bruno, V3 + "/routingRules").status == 403


def test_the_enterprises_own_client_administers_too(api, enterprise_token):
    rules = api.get(enterprise_token, V3 + "/routingRules").json()["items"]
    assert rules[0] == {"partitionId": "ACCOUNTING", "priority": 10, "messageTypeId": "demo-tax"}
    assert {u["ssin"] for u in api.get(enterprise_token, V3 + "/users").json()["items"]} == {"85073003328",
                                                                                             "90020199734"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/partitions", {"partitionId": "lower case", "name": "x"}),
    ("POST", "/partitions", {"partitionId": "OK"}),
    ("PUT", "/users/123", {"roles": ["USER"]}),
    ("PUT", "/users/90020199734", {"roles": ["KING"]}),
    ("PUT", "/users/90020199734", {"roles": ["USER"], "partitions": ["NOPE"]}),
    ("PUT", "/routingRules", [{"partitionId": "NOPE", "messageTypeId": "demo-tax"}]),
    ("PUT", "/routingRules", [{"partitionId": "HR"}]),
    ("PUT", "/routingRules", [{"partitionId": "HR", "priority": 1, "messageTypeId": "a"},
                              {"partitionId": "HR", "priority": 1, "messageTypeId": "b"}]),
])
def test_bad_administration_is_invalid_input(api, anna, method, path, body):
    answer = send(api, method, anna, V3 + path, body)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"


def test_another_enterprises_administrator_changes_only_its_own_ebox(api, anna):
    logistics = api.token("ent-0403019261", "demo-secret")
    send(api, "PUT", logistics, V3 + "/routingRules", [{"partitionId": "GENERAL", "messageTypeId": "demo-tax"}])
    assert api.get(anna, V3 + "/routingRules").json()["items"][0]["partitionId"] == "ACCOUNTING"
    assert [p["partitionId"] for p in api.get(logistics, V3 + "/partitions").json()["items"]] == ["GENERAL"]
