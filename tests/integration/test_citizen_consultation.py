"""A citizen consults their My eBox through the same v2.1 routes as an enterprise: filters, qualified
acceptance (within the template's 15-day window, so that the answer never races it), replies, e-mail
notifications and eboxPreferences (eboxType CITIZEN)."""

import json

import pytest

from tests.apigw import publication
from tests.fakes import CITIZEN
from tests.integration.test_notifications import deliver, mails_to, prefer
from tests.integration.test_qualified_delivery import answer, awaiting, events_of
from tests.waiting import eventually

TO_CITIZEN = {"eboxType": "citizen", "ssin": CITIZEN}
EBOX = "/messageRegistry/v2/ebox"
CITIZEN_EMAIL = "anna.peeters@example.be"  # her address in the national register's stand-in (demo data)


@pytest.fixture
def citizen_token(api):
    return api.token("citizen-85073003328", "demo-secret")


def to_citizen(api, sender_token, **overrides):
    result = api.publish(sender_token, publication(recipient=TO_CITIZEN, **overrides))
    assert result.status == 201, result.body
    return result.json()["messageId"]


def test_filters_work_on_a_citizen_s_e_box(api, sender_token, citizen_token):
    unread = to_citizen(api, sender_token, subject={"fr": "Impôt des personnes physiques"})
    to_citizen(api, sender_token, subject={"fr": "Allocations familiales"})
    found = api.get(citizen_token, f"{EBOX}/messages", query={"q": "impot"}).json()
    assert [m["messageId"] for m in found["items"]] == [unread]


def test_a_citizen_accepts_qualified_mail(api, sender_token, citizen_token):
    message_id = to_citizen(api, sender_token, registeredMailType="qualified")
    assert awaiting(api, citizen_token, message_id)
    assert api.get(citizen_token, f"{EBOX}/messages/{message_id}/body").json()["code"] == "ACCEPTANCE_REQUIRED"
    assert answer(api, citizen_token, message_id, True).status == 202
    assert eventually(lambda: "AcceptanceByRecipient" in events_of(api, sender_token, message_id))
    assert api.get(citizen_token, f"{EBOX}/messages/{message_id}").json()["deliveryState"] == "accepted"


def test_a_citizen_replies_where_replies_are_allowed(api, sender_token, citizen_token):
    refused = to_citizen(api, sender_token)
    allowed = to_citizen(api, sender_token, isReplyAuthorized=True)
    body = json.dumps({"subject": {"fr": "Réponse"}, "bodyContent": {"fr": "Merci"}, "isBodyMainContent": True,
                       "attachments": []}).encode()
    from tests.apigw import multipart, part

    def reply(message_id):
        return api.publish(citizen_token, multipart(part("messageToPublish", body)),
                           path=f"/messageRegistry/v3/ebox/messages/{message_id}/replies")

    assert reply(refused).status == 403
    answered = reply(allowed)
    assert answered.status == 201, answered.body
    onss = api.token("ent-0406798006", "demo-secret")
    received = api.get(onss, f"{EBOX}/messages/{answered.json()['messageId']}").json()
    assert received["originalMessageId"] == allowed


def test_a_citizen_is_notified_by_e_mail(api, stack, handlers, sender_token, citizen_token):
    first = to_citizen(api, sender_token)
    deliver(stack, handlers)
    assert len(mails_to(stack, CITIZEN_EMAIL, first)) == 1
    assert prefer(api, citizen_token, {"mode": "PER_MESSAGE", "email": "anna@home.example"}).status == 200
    second = to_citizen(api, sender_token)
    deliver(stack, handlers)
    assert len(mails_to(stack, "anna@home.example", second)) == 1 and mails_to(stack, CITIZEN_EMAIL, second) == []


def test_a_citizen_sets_their_ebox_preference_and_a_sender_reads_it(api, sender_token, citizen_token):
    update = {"eboxId": {"eboxType": "CITIZEN", "eboxIdValue": CITIZEN}, "exclusivelyEbox": True}
    changed = api.call("PATCH", "/federation/v1/eboxPreferences", body=json.dumps(update).encode(),
                       headers={"Authorization": f"Bearer {citizen_token}", "Content-Type": "application/json"})
    assert changed.status == 200, changed.body
    assert changed.json()["eboxId"] == {"eboxType": "CITIZEN", "eboxIdValue": CITIZEN}
    search = {"eboxType": "CITIZEN", "eboxIdType": "SSIN", "eboxIdValueList": [CITIZEN, "90011501277"]}
    found = api.call("POST", "/federation/v1/eboxPreferences/search", body=json.dumps(search).encode(),
                     headers={"Authorization": f"Bearer {sender_token}", "Content-Type": "application/json"})
    assert {(p["eboxId"]["eboxIdValue"], p["exclusivelyEbox"]) for p in found.json()} == {
        (CITIZEN, True), ("90011501277", False)}
    other = {"eboxId": {"eboxType": "CITIZEN", "eboxIdValue": "90011501277"}, "exclusivelyEbox": True}
    refused = api.call("PATCH", "/federation/v1/eboxPreferences", body=json.dumps(other).encode(),
                       headers={"Authorization": f"Bearer {citizen_token}", "Content-Type": "application/json"})
    assert refused.status == 404
