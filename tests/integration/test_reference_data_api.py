"""/referenceData/* (v2.1) and the federation's digital-only preference, on moto."""

import json

import pytest

REFERENCE = "/messageRegistry/v2/referenceData"
PREFERENCES = "/federation/v1/eboxPreferences"


def test_message_types_with_names_in_three_languages(api, enterprise_token):
    page = api.get(enterprise_token, REFERENCE + "/messageTypes").json()
    assert page["totalItems"] == 2
    tax = api.get(enterprise_token, REFERENCE + "/messageTypes/demo-tax").json()
    assert tax["messageTypeName"] == {"nl": "Aanslagbiljet", "fr": "Avertissement-extrait de rôle",
                                      "de": "Steuerbescheid"}
    assert tax["validityPeriod"] == {"validityPeriodNumber": 2, "validityPeriodUnit": "year"}
    assert tax["senderOrganizationIds"] == ["0406798006"] and tax["senderApplicationIds"] == ["demo-app"]


def test_sender_organizations_and_applications(api, enterprise_token):
    org = api.get(enterprise_token, REFERENCE + "/senderOrganizations/0406798006").json()
    assert org["organizationShortName"]["fr"] == "ONSS" and org["senderApplicationIds"] == ["demo-app", "demo-basic"]
    apps = api.get(enterprise_token, REFERENCE + "/senderApplications", {"pageSize": "1"}).json()
    assert apps["totalItems"] == 2 and len(apps["items"]) == 1
    app = api.get(enterprise_token, REFERENCE + "/senderApplications/demo-basic").json()
    assert app["applicationName"]["nl"] == "Eenvoudige toepassing" and app["messageTypeIds"] == ["demo-notice"]


@pytest.mark.parametrize("path", ["/messageTypes/nope", "/senderOrganizations/0403019261",
                                  "/senderApplications/nope"])
def test_unknown_reference_data_is_not_found(api, enterprise_token, path):
    assert api.get(enterprise_token, REFERENCE + path).status == 404


def test_reference_data_needs_its_scope(api, sender_token):
    assert api.get(sender_token, REFERENCE + "/messageTypes").status == 403


def search(api, token, numbers):
    body = {"eboxType": "ENTERPRISE", "eboxIdType": "EnterpriseNumber", "eboxIdValueList": numbers}
    return api.call("POST", PREFERENCES + "/search", headers={"Authorization": f"Bearer {token}",
                                                              "Content-Type": "application/json"},
                    body=json.dumps(body).encode())


def test_a_sender_learns_who_reads_only_their_ebox(api, sender_token):
    answer = search(api, sender_token, ["0403019261", "852093431", "0220916609", "0428759497"])
    assert answer.status == 200
    found = {p["eboxId"]["eboxIdValue"]: p["exclusivelyEbox"] for p in answer.json()}
    assert found == {"0403019261": True, "0852093431": False, "0220916609": False}


def test_an_administrator_declares_the_ebox_digital_only(api, sender_token):
    anna = api.token("user-anna", "demo-secret")
    body = {"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0852093431"}, "exclusivelyEbox": True}
    answer = api.call("PATCH", PREFERENCES, headers={"Authorization": f"Bearer {anna}",
                                                     "Content-Type": "application/merge-patch+json"},
                      body=json.dumps(body).encode())
    assert answer.status == 200 and answer.json()["exclusivelyEbox"] is True
    assert search(api, sender_token, ["0852093431"]).json()[0]["exclusivelyEbox"] is True


def test_nobody_sets_another_enterprises_preference(api):
    anna = api.token("user-anna", "demo-secret")
    bruno = api.token("user-bruno", "demo-secret")
    other = {"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0403019261"}, "exclusivelyEbox": False}
    own = {"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": "0852093431"}, "exclusivelyEbox": True}
    for token, body, status in [(anna, other, 404), (bruno, own, 403)]:
        answer = api.call("PATCH", PREFERENCES, headers={"Authorization": f"Bearer {token}",
                                                         "Content-Type": "application/json"},
                          body=json.dumps(body).encode())
        assert answer.status == status


@pytest.mark.parametrize("numbers", [[], ["0123456789"], ["x"] * 101])
def test_bad_preference_searches_are_invalid_input(api, sender_token, numbers):
    answer = search(api, sender_token, numbers)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"


def test_unknown_eboxes_are_not_found(api, sender_token):
    assert search(api, sender_token, ["0428759497"]).status == 404


def test_enterprises_cannot_query_preferences(api, enterprise_token):
    assert search(api, enterprise_token, ["0403019261"]).status == 403
