"""Citizens (My eBox): publishing to a citizen by SSIN (v3 and v2), the national register's stand-in,
message types' audiences, and a citizen consulting their own e-Box with a person token — isolated
both ways from enterprises' e-Boxes."""

import pytest
from ebox.domain.evidence_access import unverified_claims

from tests.apigw import publication
from tests.fakes import CITIZEN, CITIZEN_WITHOUT_EBOX
from tests.integration.test_publication_v2_api import V2, v2_body, v2_message

TO_CITIZEN = {"eboxType": "citizen", "ssin": CITIZEN}
MESSAGES = "/messageRegistry/v2/ebox/messages"


@pytest.fixture
def citizen_token(api):
    return api.token("citizen-85073003328", "demo-secret")


def test_v3_publication_to_a_citizen_is_read_in_their_my_ebox(api, sender_token, citizen_token):
    answer = api.publish(sender_token, publication(recipient=TO_CITIZEN, subject={"fr": "Avis citoyen"}))
    assert answer.status == 201, answer.body
    assert "code" not in answer.json()
    message_id = answer.json()["messageId"]
    listed = api.get(citizen_token, MESSAGES)
    assert [m["messageId"] for m in listed.json()["items"]] == [message_id]
    attachments = api.get(citizen_token, f"{MESSAGES}/{message_id}/attachments").json()["items"]
    content = api.get(citizen_token, f"{MESSAGES}/{message_id}/attachments/{attachments[0]['attachmentId']}/content")
    assert content.status == 200 and content.body.startswith(b"%PDF")
    assert api.get(citizen_token, f"{MESSAGES}/{message_id}").json()["readStatus"] is True
    summary = api.get(citizen_token, "/messageRegistry/v2/ebox").json()
    assert summary["numberOfMessages"] == 1 and summary["numberOfUnreadMessages"] == 0


def test_v2_publication_to_a_citizen_by_ebox_id_value(api, sender_token, citizen_token):
    message = v2_message(recipient={"eboxType": "citizen", "eboxIdValue": CITIZEN})
    answer = api.publish(sender_token, v2_body(message), path=V2)
    assert answer.status == 201, answer.body
    assert api.get(citizen_token, f"{MESSAGES}/{answer.json()['messageId']}").status == 200


def test_a_citizen_who_never_opened_my_ebox_gets_no_digital_user(api, sender_token):
    answer = api.publish(sender_token, publication(recipient={"eboxType": "citizen", "ssin": CITIZEN_WITHOUT_EBOX}))
    assert answer.status == 201 and answer.json()["code"] == "NO_DIGITAL_USER"


@pytest.mark.parametrize("ssin, fragment", [
    ("85073003329", "not a valid SSIN"),  # bad check digits
    ("8507300332", "not a valid SSIN"),  # an enterprise number's length
    ("00010100105", "not in the national register"),  # valid (born 2000) but nobody in the register
])
def test_bad_or_unknown_ssin_is_invalid_input(api, sender_token, ssin, fragment):
    answer = api.publish(sender_token, publication(recipient={"eboxType": "citizen", "ssin": ssin}))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")
    assert fragment in answer.json()["message"]


def test_an_enterprise_only_message_type_to_a_citizen_is_invalid_input(api, sender_token):
    answer = api.publish(sender_token, publication(recipient=TO_CITIZEN, messageTypeId="demo-tax"))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")
    assert "demo-tax" in answer.json()["message"] and "enterprises" in answer.json()["message"]


def test_citizen_and_enterprise_e_boxes_are_isolated_both_ways(api, sender_token, citizen_token):
    """Anna is a citizen (85073003328) and a user of Demo Bakery: each token sees its own e-Box only."""
    to_citizen = api.publish(sender_token, publication(recipient=TO_CITIZEN)).json()["messageId"]
    to_bakery = api.publish(sender_token, publication()).json()["messageId"]
    for token in (api.token("user-anna", "demo-secret"), api.token("ent-0852093431", "demo-secret")):
        assert api.get(token, f"{MESSAGES}/{to_citizen}").status == 404
        assert to_citizen not in [m["messageId"] for m in api.get(token, MESSAGES).json()["items"]]
        assert api.get(token, f"/messageRegistry/v3/ebox/messages/{to_citizen}/evidences").status == 404
    assert api.get(citizen_token, f"{MESSAGES}/{to_bakery}").status == 404
    assert [m["messageId"] for m in api.get(citizen_token, MESSAGES).json()["items"]] == [to_citizen]
    assert api.get(citizen_token, f"/messageRegistry/v3/ebox/messages/{to_bakery}/evidences").status == 404
    evidences = api.get(citizen_token, f"/messageRegistry/v3/ebox/messages/{to_citizen}/evidences").json()
    assert [e["event"] for e in evidences["items"]] == ["SubmissionAcceptance", "ContentConsignment"]
    assert all(unverified_claims(e["jws"])["recipient"] == TO_CITIZEN for e in evidences["items"])
