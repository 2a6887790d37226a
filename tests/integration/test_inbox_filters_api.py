"""The v2.1 inbox filters and text search on moto, and hiding messages (PATCH), for the enterprise
and for a person limited to some partitions."""

import json

import pytest

from tests.apigw import publication
from tests.fakes import OTHER

MESSAGES = "/messageRegistry/v2/ebox/messages"


def patch(api, token, body):
    return api.call("PATCH", MESSAGES, headers={"Authorization": f"Bearer {token}",
                                                "Content-Type": "application/merge-patch+json"},
                    body=json.dumps(body).encode())


@pytest.fixture
def inbox(api, sender_token):
    def publish(**overrides):
        answer = api.publish(sender_token, publication(**overrides))
        assert answer.status == 201, answer.body
        return answer.json()["messageId"]

    return {
        "societe": publish(subject={"fr": "Cotisation de la Société Générale", "nl": "Bijdrage"}),
        "tax": publish(messageTypeId="demo-tax", subject={"nl": "Aanslagbiljet 2026"}, isRegisteredMail=True),
        "staff": publish(senderApplicationId="demo-basic", subject={"de": "Personalbescheinigung"}),
    }


def ids(answer):
    assert answer.status == 200, answer.body
    return {m["messageId"] for m in answer.json()["items"]}


def test_search_ignores_case_and_accents(api, enterprise_token, inbox):
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "SOCIETE generale"})) == {inbox["societe"]}
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "société", "qlang": "fr"})) == {inbox["societe"]}
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "societe", "qlang": "nl"})) == set()


def test_search_finds_the_senders_and_types_names(api, enterprise_token, inbox):
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "securite sociale", "qlang": "fr"})) == set(inbox.values())
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "extrait de role"})) == {inbox["tax"]}


@pytest.mark.parametrize(("query", "expected"), [
    ({"messageTypeId": "demo-tax"}, {"tax"}),
    ({"senderApplicationId": "demo-basic"}, {"staff"}),
    ({"senderOrganizationId": "0406798006"}, {"societe", "tax", "staff"}),
    ({"registeredMail": "true"}, {"tax"}),
    ({"readStatus": "false", "visible": "true"}, {"societe", "tax", "staff"}),
    ({"receivedAfter": "2000-01-01", "receivedBefore": "2999-01-01"}, {"societe", "tax", "staff"}),
    ({"receivedBefore": "2000-01-01"}, set()),
    ({"expiredAfter": "2999-01-01"}, set()),
    ({"expiredBefore": "2999-01-01T00:00:00Z"}, {"societe", "tax", "staff"}),
    ({"partition": "HR"}, {"staff"}),
])
def test_filters(api, enterprise_token, inbox, query, expected):
    answer = api.get(enterprise_token, MESSAGES, query)
    assert ids(answer) == {inbox[name] for name in expected}
    assert answer.json()["totalItems"] == len(expected)


def test_filtered_pages_are_newest_first_with_the_filtered_total(api, enterprise_token, inbox):
    first = api.get(enterprise_token, MESSAGES, {"senderOrganizationId": "0406798006", "pageSize": "2"}).json()
    second = api.get(enterprise_token, MESSAGES, {"senderOrganizationId": "0406798006", "pageSize": "2",
                                                  "page": "2"}).json()
    order = [m["messageId"] for m in first["items"] + second["items"]]
    assert order == sorted(inbox.values(), reverse=True) and first["totalItems"] == 3


def test_a_persons_search_never_reaches_other_partitions(api, inbox):
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING only
    assert ids(api.get(bruno, MESSAGES, {"senderOrganizationId": "0406798006"})) == {inbox["tax"]}
    assert ids(api.get(bruno, MESSAGES, {"q": "personalbescheinigung"})) == set()
    assert api.get(bruno, MESSAGES, {"q": "bescheinigung"}).json()["totalItems"] == 0


@pytest.mark.parametrize("query", [{"readStatus": "yes"}, {"receivedAfter": "01/02/2026"}, {"qlang": "fr"},
                                   {"q": "x", "qlang": "en"}, {"q": "  "}, {"partition": "not a partition"}])
def test_bad_filters_are_invalid_input(api, enterprise_token, query):
    answer = api.get(enterprise_token, MESSAGES, query)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"


def test_hiding_and_showing_messages(api, enterprise_token, inbox):
    answer = patch(api, enterprise_token, {"items": [{"messageId": inbox["societe"], "visible": False}]})
    assert answer.status == 200
    assert api.get(enterprise_token, f"{MESSAGES}/{inbox['societe']}").json()["visible"] is False
    assert ids(api.get(enterprise_token, MESSAGES, {"visible": "false"})) == {inbox["societe"]}
    assert ids(api.get(enterprise_token, MESSAGES, {"visible": "true"})) == {inbox["tax"], inbox["staff"]}
    assert ids(api.get(enterprise_token, MESSAGES, {"visible": "false", "q": "societe"})) == {inbox["societe"]}
    patch(api, enterprise_token, {"items": [{"messageId": inbox["societe"], "visible": True}]})
    assert ids(api.get(enterprise_token, MESSAGES, {"visible": "false"})) == set()
    assert ids(api.get(enterprise_token, MESSAGES, {"visible": "true"})) == set(inbox.values())


def test_a_person_sees_the_hidden_and_visible_messages_of_their_partition_only(api, enterprise_token, inbox):
    patch(api, enterprise_token, {"items": [{"messageId": inbox["tax"], "visible": False},
                                            {"messageId": inbox["staff"], "visible": False}]})
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING only: the tax notice
    assert ids(api.get(bruno, MESSAGES, {"visible": "false"})) == {inbox["tax"]}
    assert ids(api.get(bruno, MESSAGES, {"visible": "true"})) == set()


def test_nobody_hides_a_message_they_cannot_see_and_nothing_changes(api, inbox):
    other = api.token(f"ent-{OTHER}", "demo-secret")
    answer = patch(api, other, {"items": [{"messageId": inbox["societe"], "visible": False}]})
    assert answer.status == 404 and answer.json()["code"] == "NOT_FOUND"
    bruno = api.token("user-bruno", "demo-secret")
    answer = patch(api, bruno, {"items": [{"messageId": inbox["tax"], "visible": False},
                                          {"messageId": inbox["staff"], "visible": False}]})
    assert answer.status == 404
    owner = api.token("ent-0852093431", "demo-secret")
    assert ids(api.get(owner, MESSAGES, {"visible": "false"})) == set()  # not even bruno's own one


@pytest.mark.parametrize("body", [{}, {"items": []}, {"items": [{"messageId": "x"}]},
                                  {"items": [{"messageId": "x", "visible": "no"}]}, [1]])
def test_bad_updates_are_invalid_input(api, enterprise_token, body):
    answer = patch(api, enterprise_token, body)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"


def test_reading_a_message_moves_it_from_unread_to_read(api, enterprise_token, inbox):
    message = api.get(enterprise_token, f"{MESSAGES}/{inbox['tax']}").json()
    attachment = api.get(enterprise_token, f"{MESSAGES}/{inbox['tax']}/attachments").json()["items"][0]
    assert message["readStatus"] is False
    assert api.get(enterprise_token, attachment["contentHref"]).status == 200  # the main content: read
    unread = api.get(enterprise_token, MESSAGES, {"readStatus": "false"})
    assert ids(unread) == {inbox["societe"], inbox["staff"]} and unread.json()["totalItems"] == 2
    read = api.get(enterprise_token, MESSAGES, {"readStatus": "true"})
    assert ids(read) == {inbox["tax"]} and read.json()["totalItems"] == 1
    assert ids(api.get(enterprise_token, MESSAGES, {"readStatus": "true", "messageTypeId": "demo-tax"})) == {
        inbox["tax"]}


def test_page_numbers_reach_the_first_thousand_messages_then_say_how_to_go_on(api, enterprise_token, inbox):
    assert api.get(enterprise_token, MESSAGES, {"page": "40", "pageSize": "25"}).json()["items"] == []
    answer = api.get(enterprise_token, MESSAGES, {"page": "11", "pageSize": "100"})
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"
    assert "receivedBefore" in answer.json()["message"]


def test_messages_from_before_the_filter_indexes_are_found_after_the_backfill(api, stack, enterprise_token, inbox):
    from ebox.adapters.tables.message_items import MessageItem
    from ebox.pipeline.scheduled_notifications import backfill

    keys = [MessageItem.read_key, MessageItem.visibility_key, MessageItem.type_key, MessageItem.sender_key,
            MessageItem.application_key, MessageItem.registered_ebox, MessageItem.expiration_key, MessageItem.inbox]
    for message_id in inbox.values():  # as publication wrote them before the filter indexes and ByInbox
        MessageItem("EBOX#0852093431", f"MSG#{message_id}").update(actions=[key.remove() for key in keys])
    assert ids(api.get(enterprise_token, MESSAGES, {"messageTypeId": "demo-tax"})) == set()
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "societe generale"})) == set()
    assert ids(api.get(enterprise_token, MESSAGES)) == set(inbox.values())  # listed and opened all along

    assert backfill(stack.services)["updated"] == 3
    assert_found_again(api, enterprise_token, inbox)
    assert backfill(stack.services)["updated"] == 0


def assert_found_again(api, enterprise_token, inbox):
    for query, expected in [({"messageTypeId": "demo-tax"}, {"tax"}), ({"registeredMail": "true"}, {"tax"}),
                            ({"readStatus": "false"}, {"societe", "tax", "staff"}),
                            ({"senderApplicationId": "demo-basic"}, {"staff"}),
                            ({"expiredBefore": "2999-01-01"}, {"societe", "tax", "staff"}),
                            ({"q": "societe generale"}, {"societe"})]:
        assert ids(api.get(enterprise_token, MESSAGES, query)) == {inbox[name] for name in expected}


def test_an_operator_backfills_the_index_keys_through_the_api_step_by_step(api, sender_token, enterprise_token,
                                                                           inbox):
    from ebox.adapters.tables.message_items import MessageItem

    for message_id in inbox.values():  # as publication wrote them before ByInbox and the facet indexes
        MessageItem("EBOX#0852093431", f"MSG#{message_id}").update(
            actions=[MessageItem.inbox.remove(), MessageItem.type_key.remove(), MessageItem.registered_ebox.remove()])
    assert ids(api.get(enterprise_token, MESSAGES, {"q": "societe generale"})) == set()

    def step(token, body):
        return api.call("POST", "/admin/v1/messages/index-backfill", body=json.dumps(body).encode(),
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    assert step(sender_token, {}).status == 403
    assert step(api.token("ops-admin", "demo-secret"), {"resume": "not a cursor"}).status == 400
    operator, updated, body = api.token("ops-admin", "demo-secret"), 0, {"items": 2}
    for _ in range(1000):
        answer = step(operator, body)
        assert answer.status == 200, answer.body
        updated += answer.json()["updated"]
        if answer.json()["done"]:
            break
        body = {"items": 2, "resume": answer.json()["resume"]}
    assert updated == 3 and answer.json()["resume"] is None
    assert_found_again(api, enterprise_token, inbox)
