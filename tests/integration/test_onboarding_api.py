"""Sender onboarding end to end through the API: an institution reads and accepts the terms of use and
asks to become a sender; the operator approves it; the new client publishes at once; a suspension stops
its publications (INVALID_SENDER) and leaves what it sent with its recipients; a refusal keeps its
reason."""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import KeySet

from tests.apigw import publication

ADMIN = "/admin/v1"
NEW_SENDER = "0207436874"  # a well-formed BCE number (check digits 74) that is not yet a sender
REQUEST: dict[str, Any] = {
    "organization": {"enterpriseNumber": "0207.436.874",
                     "name": {"fr": "Ville de Namur", "nl": "Stad Namen", "de": "Stadt Namur"}},
    "contact": {"name": "Claire Dubois", "email": "claire.dubois@namur.example", "phone": "+32 81 00 00 00"},
    "messageTypes": [{"messageTypeId": "namur-tax-notice",
                      "name": {"fr": "Avis de taxe", "nl": "Belastingbericht", "de": "Steuerbescheid"},
                      "validity": {"number": 1, "unit": "year"}, "audience": "both",
                      "businessDataKeys": ["taxYear"]}],
    "applications": [{"applicationId": "namur-taxes",
                      "name": {"fr": "Taxes communales", "nl": "Gemeentebelastingen", "de": "Gemeindesteuern"},
                      "messageTypeIds": ["namur-tax-notice"], "levels": ["simple", "registered"]}],
}


def json_call(api, method: str, path: str, body: Any = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.call(method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b"")


def submit(api, **changes: Any):
    terms = api.call("GET", f"{ADMIN}/terms").json()
    body = deepcopy(REQUEST) | {"termsOfUse": {"version": terms["version"], "sha256": terms["sha256"],
                                               "accepted": True}} | changes
    return json_call(api, "POST", f"{ADMIN}/sender-requests", body)


def new_publication(**overrides: Any) -> bytes:
    return publication(sender={"eboxType": "enterprise", "enterpriseNumber": NEW_SENDER},
                       senderApplicationId="namur-taxes", messageTypeId="namur-tax-notice", **overrides)


@pytest.fixture
def operator(api) -> str:
    return str(api.token("ops-admin", "demo-secret"))


def test_a_request_is_approved_and_the_new_sender_publishes_then_is_suspended(api, operator, enterprise_token):
    submitted = submit(api)
    assert submitted.status == 201, submitted.body
    request = submitted.json()
    assert request["status"] == "PENDING" and request["organizationId"] == NEW_SENDER

    # the acceptance of the terms is signed evidence: who, when, which version, verifiable with /evidence/keys
    keys = KeySet.import_key_set(api.call("GET", "/evidence/keys").json())
    evidence = jws.deserialize_compact(request["termsOfUse"]["evidence"], keys)
    accepted = json.loads(evidence.payload)
    assert accepted["acceptedBy"]["email"] == "claire.dubois@namur.example"
    assert accepted["termsVersion"] == request["termsOfUse"]["version"] and accepted["acceptedAt"]

    pending = api.get(operator, f"{ADMIN}/sender-requests", {"status": "PENDING"}).json()["items"]
    assert [r["requestId"] for r in pending] == [request["requestId"]]

    approved = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/approve", token=operator)
    assert approved.status == 200, approved.body
    granted = approved.json()
    assert granted["status"] == "APPROVED" and granted["bulkDropPrefix"] == f"{NEW_SENDER}/"
    assert "clientSecret" not in api.get(operator, f"{ADMIN}/sender-requests/{request['requestId']}").json()
    again = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/approve", token=operator)
    assert again.status == 409 and again.json()["code"] == "INVALID_STATE"

    token = api.token(granted["clientId"], granted["clientSecret"])
    sent = api.publish(token, new_publication(businessDataList=[{"key": "taxYear", "values": [{"fr": "2026"}]}]))
    assert sent.status == 201, sent.body
    message_id = sent.json()["messageId"]
    wrong_key = api.publish(token, new_publication(businessDataList=[{"key": "ssin", "values": [{"fr": "x"}]}]))
    assert wrong_key.status == 400 and wrong_key.json()["code"] == "INVALID_INPUT"

    suspended = json_call(api, "POST", f"{ADMIN}/senders/{NEW_SENDER}/suspend", {"reason": "terms broken"},
                          token=operator)
    assert suspended.status == 200, suspended.body
    refused = api.publish(token, new_publication())  # the same token, still valid: refused at once
    assert refused.status == 400 and refused.json()["code"] == "INVALID_SENDER"
    kept = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}")
    assert kept.status == 200  # what it sent stays with its recipient

    assert json_call(api, "POST", f"{ADMIN}/senders/{NEW_SENDER}/reinstate", token=operator).status == 200
    assert api.publish(token, new_publication()).status == 201


def test_a_refusal_keeps_its_reason_and_creates_nothing(api, operator):
    request = submit(api).json()
    missing_reason = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/refuse", {},
                               token=operator)
    assert missing_reason.status == 400
    refused = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/refuse",
                        {"reason": "not a public institution"}, token=operator).json()
    assert refused["status"] == "REFUSED" and refused["reason"] == "not a public institution"
    too_late = json_call(api, "POST", f"{ADMIN}/sender-requests/{request['requestId']}/approve", token=operator)
    assert too_late.status == 409


@pytest.mark.parametrize("change, field", [
    ({"organization": {"enterpriseNumber": "0207436872", "name": REQUEST["organization"]["name"]}}, "check digits"),
    ({"termsOfUse": {"version": "2020-01", "accepted": True}}, "terms of use"),
    ({"termsOfUse": None}, "termsOfUse"),
    ({"messageTypes": [REQUEST["messageTypes"][0] | {"name": {"fr": "seul"}}]}, "fr, nl and de"),
    ({"applications": [REQUEST["applications"][0] | {"levels": ["express"]}]}, "levels"),
])
def test_a_malformed_request_is_refused_with_what_is_wrong(api, change, field):
    answer = submit(api, **change)
    assert answer.status == 400 and field in answer.json()["message"]


def test_only_the_operator_reviews(api, sender_token):
    assert api.call("GET", f"{ADMIN}/sender-requests").status == 401
    assert api.get(sender_token, f"{ADMIN}/sender-requests").status == 403
    forbidden = json_call(api, "POST", f"{ADMIN}/senders/0406798006/suspend", {"reason": "x"}, token=sender_token)
    assert forbidden.status == 403


def test_the_operator_imports_a_registry_file(api, operator):
    data = {"messageTypes": [{"messageTypeId": "imported-type", "name": {"fr": "Importé"},
                              "validity": {"number": 30, "unit": "day"}}],
            "senderOrganizations": [{"organizationId": "0207436874", "shortName": {"fr": "Namur"},
                                     "applications": [{"applicationId": "imported-app", "name": {"fr": "App"},
                                                       "messageTypeIds": ["imported-type"]}]}]}
    answer = json_call(api, "POST", f"{ADMIN}/registry/import", data, token=operator)
    assert answer.status == 200 and answer.json()["imported"]["messageTypes"] == 1
    broken = json_call(api, "POST", f"{ADMIN}/registry/import", {"messageTypes": [{"name": {}}]}, token=operator)
    assert broken.status == 400
