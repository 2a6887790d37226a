"""searchMessageStatus (v2.1): a sender follows its own messages, and only those."""

from tests.apigw import publication
from tests.fakes import RECIPIENT

PATH = "/messageRegistry/v2/searchMessageStatus"


def search(api, token, body: bytes):
    return api.call("POST", PATH, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body=body)


def query(message_id, ebox=RECIPIENT):
    return {"messageId": message_id, "eboxId": {"eboxType": "enterprise", "eboxIdValue": ebox}}


def test_sender_sees_read_status_change(api, sender_token, enterprise_token):
    import json

    message_id = api.publish(sender_token, publication()).json()["messageId"]
    before = search(api, sender_token, json.dumps([query(message_id)]).encode()).json()
    assert before == [{"messageId": message_id, "eboxId": {"eboxType": "enterprise", "eboxIdValue": RECIPIENT},
                       "expirationDate": before[0]["expirationDate"], "readStatus": False, "visible": True}]
    href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()[
        "attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    assert search(api, sender_token, json.dumps([query(message_id)]).encode()).json()[0]["readStatus"] is True


def test_unknown_and_misaddressed_messages_are_left_out(api, sender_token):
    import json

    message_id = api.publish(sender_token, publication()).json()["messageId"]
    body = json.dumps([query(message_id, "0403019261"), query("01a20000-0000-7000-8000-000000000000")]).encode()
    assert search(api, sender_token, body).json() == []


def test_an_enterprise_cannot_search_statuses(api, enterprise_token):
    assert search(api, enterprise_token, b"[]").status == 403


def test_bad_bodies_are_invalid_input(api, sender_token):
    import json

    for body in (b"{}", b"[]", b"not json", json.dumps([query("x", "0852093432")]).encode(),
                 json.dumps([query("x")] * 101).encode()):
        answer = search(api, sender_token, body)
        assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", body[:40]
