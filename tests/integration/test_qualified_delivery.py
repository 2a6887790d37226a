"""Qualified registered mail through the real state machine (moto executes it; the bridges run the
real Lambda handlers): accept, refuse and the mistakes around them, within the template's window (15
days: an answer never races it, however busy the machine). No answer: test_qualified_expiry."""


import pytest

from tests.apigw import publication
from tests.fakes import OTHER
from tests.waiting import eventually

EBOX = "/messageRegistry/v2/ebox"


def events_of(api, token, message_id):
    return [i["event"] for i in api.get(token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences")
            .json()["items"]]


def qualified(api, sender_token, **overrides):
    answer = api.publish(sender_token, publication(registeredMailType="qualified", **overrides))
    assert answer.status == 201, answer.body
    return answer.json()["messageId"]


def answer(api, token, message_id, accept):
    return api.call("POST", f"/messageRegistry/v3/ebox/messages/{message_id}/acceptance",
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body=(b'{"accept": true}' if accept else b'{"accept": false}'))


def awaiting(api, token, message_id):
    return eventually(lambda: "NotificationForAcceptance" in events_of(api, token, message_id))


def test_accepted_message_shows_its_content_after_a_full_chain(api, sender_token, enterprise_token):
    message_id = qualified(api, sender_token)
    message = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()
    assert message["registeredMail"] is True and message["subject"]["fr"]
    assert message["attachments"]["items"] == []  # consent mode: no content before acceptance
    assert awaiting(api, enterprise_token, message_id)
    assert api.get(enterprise_token, f"{EBOX}/messages/{message_id}/body").json()["code"] == "ACCEPTANCE_REQUIRED"
    assert answer(api, enterprise_token, message_id, True).status == 202
    assert eventually(lambda: "AcceptanceByRecipient" in events_of(api, sender_token, message_id))
    message = api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()
    assert message["deliveryState"] == "accepted"
    api.get(enterprise_token, message["attachments"]["items"][0]["contentHref"])
    assert events_of(api, sender_token, message_id) == [
        "SubmissionAcceptance", "ContentConsignment", "NotificationForAcceptance", "AcceptanceByRecipient",
        "ContentHandover"]


def test_refused_message_keeps_its_content_withheld(api, sender_token, enterprise_token):
    message_id = qualified(api, sender_token)
    assert awaiting(api, enterprise_token, message_id)
    assert answer(api, enterprise_token, message_id, False).status == 202
    assert eventually(lambda: "RejectionByRecipient" in events_of(api, sender_token, message_id))
    second = answer(api, enterprise_token, message_id, True)
    assert second.status == 409 and second.json()["code"] == "ACCEPTANCE_CLOSED"
    assert api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"] == []


def test_another_enterprise_cannot_answer(api, sender_token):
    message_id = qualified(api, sender_token)
    other = api.token(f"ent-{OTHER}", "demo-secret")
    assert answer(api, other, message_id, True).status == 404


@pytest.mark.parametrize("body", [b"", b"{}", b'{"accept": "yes"}', b"not json"])
def test_malformed_answers_are_invalid_input(api, sender_token, enterprise_token, body):
    message_id = qualified(api, sender_token)
    result = api.call("POST", f"/messageRegistry/v3/ebox/messages/{message_id}/acceptance",
                      headers={"Authorization": f"Bearer {enterprise_token}"}, body=body)
    assert result.status == 400 and result.json()["code"] == "INVALID_INPUT"


def test_a_simple_message_awaits_no_answer(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    assert answer(api, enterprise_token, message_id, True).status == 409


def test_an_application_not_registered_for_qualified_mail_is_invalid_sender(api, sender_token):
    answer_ = api.publish(sender_token, publication(registeredMailType="qualified",
                                                    senderApplicationId="demo-basic"))
    assert answer_.status == 400 and answer_.json()["code"] == "INVALID_SENDER"
