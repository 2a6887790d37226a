"""Qualified registered mail that nobody answers: the state machine's window (3 s here, 15 days in the
template) runs out, the expiry is recorded, a late answer changes nothing and nothing of the content ever
appears."""

import json

import pytest

from tests.integration.test_qualified_consent import EBOX, SECRETS, leaks, qualified_publication, search
from tests.integration.test_qualified_delivery import answer, awaiting, events_of, qualified
from tests.waiting import eventually


@pytest.fixture(scope="module")
def stack_parameters():
    return {"AcceptanceWindowSeconds": "3"}


def test_no_answer_within_the_window_is_an_expiry_and_a_late_answer_changes_nothing(
        api, sender_token, enterprise_token):
    message_id = qualified(api, sender_token)
    assert awaiting(api, enterprise_token, message_id)
    assert eventually(lambda: "AcceptanceRejectionExpiry" in events_of(api, sender_token, message_id))
    late = answer(api, enterprise_token, message_id, True)
    assert late.status == 409 and late.json()["code"] == "ACCEPTANCE_CLOSED"
    assert "AcceptanceByRecipient" not in events_of(api, sender_token, message_id)


def test_after_expiry_nothing_of_the_content_ever_appears(api, sender_token, enterprise_token):
    sealed = api.publish(sender_token, qualified_publication()).json()["messageId"]
    assert awaiting(api, enterprise_token, sealed)
    assert eventually(lambda: "AcceptanceRejectionExpiry" in events_of(api, sender_token, sealed))
    message = api.get(enterprise_token, f"{EBOX}/messages/{sealed}").json()
    assert message["deliveryState"] == "expired" and leaks(json.dumps(message)) == []
    assert sealed not in search(api, enterprise_token, SECRETS["body"])
    assert sealed not in search(api, enterprise_token, SECRETS["business"])
    assert api.get(enterprise_token, f"{EBOX}/messages/{sealed}/body").status == 403
    evidence = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{sealed}/evidences").json()
    assert evidence.get("contentWithheld") is True and leaks(json.dumps(evidence)) == []
