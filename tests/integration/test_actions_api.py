"""Messages "for action" on moto: the sender asks, the recipient marks it done (once), the sender sees
the status, overdue actions are listed; nobody else may mark them (404, as for a missing message)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.apigw import publication
from tests.fakes import OTHER, RECIPIENT

EBOX = "/messageRegistry/v2/ebox"
MESSAGES = EBOX + "/messages"
TOMORROW = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
NEXT_MONTH = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
LAST_WEEK = (datetime.now(UTC).date() - timedelta(days=7)).isoformat()


def mark(api, token, message_id, body=b'{"status": "DONE"}'):
    return api.call("PUT", f"/messageRegistry/v3/ebox/messages/{message_id}/action", body=body,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def status_of(api, sender_token, message_id):
    body = json.dumps([{"messageId": message_id, "eboxId": {"eboxType": "enterprise", "eboxIdValue": RECIPIENT}}])
    answer = api.call("POST", "/messageRegistry/v2/searchMessageStatus", body=body.encode(),
                      headers={"Authorization": f"Bearer {sender_token}", "Content-Type": "application/json"})
    return answer.json()[0]


@pytest.fixture
def publish(api, sender_token):
    def publish(action=None, **overrides):
        if action is not None:
            overrides["action"] = action
        answer = api.publish(sender_token, publication(**overrides))
        assert answer.status == 201, answer.body
        return answer.json()["messageId"]

    return publish


@pytest.mark.parametrize("action", [
    {"kind": "PAY", "dueDate": TOMORROW},
    {"dueDate": TOMORROW},
    {"kind": "PAYMENT", "dueDate": "2027-02-30"},
    {"kind": "PAYMENT", "dueDate": "31/01/2027"},
    {"kind": "PAYMENT"},
    {"kind": "PAYMENT", "dueDate": TOMORROW, "link": "http://pay.example/42"},
    {"kind": "PAYMENT", "dueDate": TOMORROW, "link": "javascript:alert(1)"},
    {"kind": "PAYMENT", "dueDate": TOMORROW, "amount": 12},
    "PAYMENT",
])
def test_a_bad_action_is_refused_with_invalid_input(api, sender_token, enterprise_token, action):
    refused = api.publish(sender_token, publication(action=action))
    assert refused.status == 400 and refused.json()["code"] == "INVALID_INPUT"
    assert "action" in refused.json()["message"]
    assert api.get(enterprise_token, MESSAGES).json()["totalItems"] == 0


def test_the_recipient_marks_it_done_once_and_the_sender_sees_it(api, publish, enterprise_token, sender_token):
    message_id = publish({"kind": "PAYMENT", "dueDate": NEXT_MONTH, "link": "https://pay.example/inv/42"})
    view = api.get(enterprise_token, f"{MESSAGES}/{message_id}").json()
    assert view["action"] == {"kind": "PAYMENT", "dueDate": NEXT_MONTH, "link": "https://pay.example/inv/42",
                              "status": "TODO", "overdue": False}
    assert status_of(api, sender_token, message_id)["action"]["status"] == "TODO"

    done = mark(api, enterprise_token, message_id)
    assert done.status == 200 and done.json()["status"] == "DONE" and done.json()["doneBy"] == RECIPIENT
    again = mark(api, enterprise_token, message_id)
    assert again.status == 200 and again.json()["doneAt"] == done.json()["doneAt"]
    assert api.get(enterprise_token, f"{MESSAGES}/{message_id}").json()["action"]["status"] == "DONE"
    seen = status_of(api, sender_token, message_id)["action"]
    assert seen == {"kind": "PAYMENT", "dueDate": NEXT_MONTH, "link": "https://pay.example/inv/42", "status": "DONE",
                    "overdue": False, "doneAt": done.json()["doneAt"]}  # not who: that is the enterprise's business


def test_the_sender_sees_an_overdue_action(api, publish, sender_token):
    message_id = publish({"kind": "RESPONSE", "dueDate": LAST_WEEK})
    assert status_of(api, sender_token, message_id)["action"] == {"kind": "RESPONSE", "dueDate": LAST_WEEK,
                                                                  "status": "TODO", "overdue": True}


def test_a_person_marking_it_done_is_recorded_by_ssin(api, publish):
    message_id = publish({"kind": "SIGNATURE", "dueDate": TOMORROW}, messageTypeId="demo-tax")  # → ACCOUNTING
    bruno = api.token("user-bruno", "demo-secret")
    assert mark(api, bruno, message_id).json()["doneBy"] == "90020199734"


def test_overdue_actions_are_listed_soonest_first(api, publish, enterprise_token):
    late = publish({"kind": "PAYMENT", "dueDate": LAST_WEEK})
    later = publish({"kind": "RESPONSE", "dueDate": (date.fromisoformat(LAST_WEEK) - timedelta(days=3)).isoformat()})
    soon = publish({"kind": "SIGNATURE", "dueDate": TOMORROW})
    publish()  # not for action

    def listed(**query):
        return [m["messageId"] for m in api.get(enterprise_token, MESSAGES, query).json()["items"]]

    assert listed(forAction="true", overdue="true") == [later, late]
    assert listed(overdue="true") == [later, late]
    assert listed(forAction="true") == [later, late, soon]
    assert listed(forAction="true", overdue="false") == [soon]
    assert api.get(enterprise_token, f"{MESSAGES}/{late}").json()["action"]["overdue"] is True
    mark(api, enterprise_token, late)
    assert listed(forAction="true", overdue="true") == [later]
    second = api.get(enterprise_token, MESSAGES, {"forAction": "true", "pageSize": "1", "page": "2"}).json()
    assert [m["messageId"] for m in second["items"]] == [soon] and second["totalItems"] == 2


def test_a_person_lists_only_the_actions_of_their_partitions(api, publish):
    publish({"kind": "PAYMENT", "dueDate": LAST_WEEK})  # GENERAL
    tax = publish({"kind": "PAYMENT", "dueDate": LAST_WEEK}, messageTypeId="demo-tax")  # ACCOUNTING
    bruno = api.token("user-bruno", "demo-secret")
    page = api.get(bruno, MESSAGES, {"forAction": "true", "overdue": "true"}).json()
    assert [m["messageId"] for m in page["items"]] == [tax] and page["totalItems"] == 1
    assert api.get(bruno, MESSAGES, {"forAction": "true", "partition": "GENERAL"}).json()["totalItems"] == 0


def test_nobody_else_marks_an_action_done(api, publish, enterprise_token, sender_token):
    message_id = publish({"kind": "PAYMENT", "dueDate": TOMORROW})  # GENERAL
    stranger = api.token(f"ent-{OTHER}", "demo-secret")
    bruno = api.token("user-bruno", "demo-secret")
    unknown = "0192f3a4-0000-7000-8000-000000000000"
    for token in (stranger, bruno):
        hidden, missing = mark(api, token, message_id), mark(api, token, unknown)
        assert hidden.status == missing.status == 404
        assert hidden.json()["message"].replace(message_id, "X") == missing.json()["message"].replace(unknown, "X")
    assert mark(api, sender_token, message_id).status == 403
    assert api.get(enterprise_token, f"{MESSAGES}/{message_id}").json()["action"]["status"] == "TODO"
    for token in (stranger, bruno):  # nor finds it among the actions to do
        assert api.get(token, MESSAGES, {"forAction": "true"}).json() == {"items": [], "totalItems": 0}
    assert api.get(sender_token, MESSAGES, {"forAction": "true"}).status == 403


@pytest.mark.parametrize("body", [b'{"status": "TODO"}', b'{}', b'not json', b'[]'])
def test_an_action_is_marked_done_not_anything_else(api, publish, enterprise_token, body):
    message_id = publish({"kind": "PAYMENT", "dueDate": TOMORROW})
    refused = mark(api, enterprise_token, message_id, body)
    assert refused.status == 400 and refused.json()["code"] == "INVALID_INPUT"


def test_a_message_without_action_has_none_to_mark(api, publish, enterprise_token):
    message_id = publish()
    assert mark(api, enterprise_token, message_id).status == 404
    assert "action" not in api.get(enterprise_token, f"{MESSAGES}/{message_id}").json()


def test_for_action_false_is_not_a_filter(api, enterprise_token):
    assert api.get(enterprise_token, MESSAGES, {"forAction": "false"}).status == 400
