"""Message providers: the federation's registry, and a provider's application reading a citizen's
e-Box with a token naming both — only while the citizen's consent stands."""

from urllib.parse import urlencode

import pytest

from tests.apigw import publication
from tests.fakes import CITIZEN

CONSENTS = "/messageRegistry/v3/ebox/providerConsents"
MESSAGES = "/messageRegistry/v2/ebox/messages"


@pytest.fixture
def citizen_token(api):
    return api.token("citizen-85073003328", "demo-secret")


def provider_token(api, ssin=None):
    form = {"grant_type": "client_credentials", "client_id": "provider-doccle", "client_secret": "demo-secret",
            **({"ssin": ssin} if ssin else {})}
    return api.call("POST", "/oauth/token", headers={"Content-Type": "application/x-www-form-urlencoded"},
                    body=urlencode(form).encode())


def consent(api, token, method, provider="doccle"):
    return api.call(method, f"{CONSENTS}/{provider}", headers={"Authorization": f"Bearer {token}"})


def test_the_federation_lists_its_message_providers(api, citizen_token):
    listed = api.get(citizen_token, "/federation/v1/messageProviders")
    assert [p["messageProviderId"] for p in listed.json()] == ["doccle", "irisbox", "kbc-mobile"]
    one = api.get(citizen_token, "/federation/v1/messageProviders/kbc-mobile").json()
    assert one["messageProviderName"]["nl"] == "KBC Mobile" and one["apiSupportedVersion"]
    assert api.get(citizen_token, "/federation/v1/messageProviders/nobody").status == 404


def test_a_provider_reads_a_citizen_s_e_box_only_while_consent_stands(api, sender_token, citizen_token):
    message_id = api.publish(sender_token, publication(recipient={"eboxType": "citizen", "ssin": CITIZEN})).json()[
        "messageId"]
    refused = provider_token(api, CITIZEN)
    assert refused.status == 403  # no consent yet: no token naming the citizen
    assert consent(api, citizen_token, "PUT").status == 200
    listed = api.get(citizen_token, CONSENTS).json()
    assert [c["messageProviderId"] for c in listed["items"]] == ["doccle"] and listed["items"][0]["grantedAt"]
    token = provider_token(api, CITIZEN).json()["access_token"]
    assert [m["messageId"] for m in api.get(token, MESSAGES).json()["items"]] == [message_id]
    assert api.get(token, f"{MESSAGES}/{message_id}").status == 200
    assert consent(api, citizen_token, "DELETE").status == 204
    assert api.get(token, MESSAGES).status == 403  # revoked: the token still valid, the access gone at once


def test_only_the_citizen_grants_consent(api):
    provider_only = provider_token(api).json()["access_token"]
    assert consent(api, provider_only, "PUT").status == 403
    assert api.get(provider_only, MESSAGES).status == 403  # a provider's token naming no citizen reads nothing
    enterprise = api.token("ent-0852093431", "demo-secret")
    assert consent(api, enterprise, "PUT").status == 403
    anna_at_work = api.token("user-anna", "demo-secret")
    assert consent(api, anna_at_work, "PUT").status == 403


def test_consent_to_an_unknown_provider_is_404_and_other_clients_cannot_name_a_citizen(api, citizen_token):
    assert consent(api, citizen_token, "PUT", provider="nobody").status == 404
    form = {"grant_type": "client_credentials", "client_id": "demo-sender", "client_secret": "demo-sender-secret",
            "ssin": CITIZEN}
    answer = api.call("POST", "/oauth/token", headers={"Content-Type": "application/x-www-form-urlencoded"},
                      body=urlencode(form).encode())
    assert answer.status == 400
