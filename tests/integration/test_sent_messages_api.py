"""GET /messageRegistry/v3/sentMessages: a sender lists what it published, newest first, with each
message's status; nobody else may."""

from tests.apigw import publication
from tests.fakes import RECIPIENT

PATH = "/messageRegistry/v3/sentMessages"


def test_a_sender_lists_its_messages_newest_first_page_by_page(api, sender_token):
    published = [api.publish(sender_token, publication()).json()["messageId"] for _ in range(3)]
    first = api.get(sender_token, PATH, {"pageSize": "2"}).json()
    assert [m["messageId"] for m in first["items"]] == published[::-1][:2]
    assert first["before"] == published[1]
    second = api.get(sender_token, PATH, {"pageSize": "2", "before": first["before"]}).json()
    assert second["items"][0]["messageId"] == published[0]
    item = first["items"][0]
    assert item["eboxId"] == {"eboxType": "enterprise", "eboxIdValue": RECIPIENT}
    assert item["readStatus"] is False and item["visible"] is True and item["subject"]
    assert {"receiptDate", "expirationDate", "messageTypeId", "senderApplicationId", "registeredMail"} <= set(item)


def test_the_sender_sees_its_message_read(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()[
        "attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    [mine] = [m for m in api.get(sender_token, PATH).json()["items"] if m["messageId"] == message_id]
    assert mine["readStatus"] is True


def test_a_list_past_the_last_message_is_empty(api, sender_token):
    oldest = "00000000-0000-7000-8000-000000000000"
    assert api.get(sender_token, PATH, {"before": oldest}).json() == {"items": [], "pageSize": 25}


def test_an_enterprise_may_not_list_sent_messages(api, enterprise_token):
    answer = api.get(enterprise_token, PATH)
    assert answer.status == 403


def test_bad_paging_is_invalid_input(api, sender_token):
    for query in ({"pageSize": "0"}, {"pageSize": "101"}, {"pageSize": "x"}, {"before": "not-an-id"}):
        answer = api.get(sender_token, PATH, query)
        assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", query


def test_a_sender_filters_by_read_status_and_dates_and_reads_one_message(api, sender_token, enterprise_token):
    read, unread = (api.publish(sender_token, publication()).json()["messageId"] for _ in range(2))
    href = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{read}").json()[
        "attachments"]["items"][0]["contentHref"]
    api.get(enterprise_token, href)
    unread_ids = [m["messageId"] for m in api.get(sender_token, PATH, {"readStatus": "false"}).json()["items"]]
    assert unread in unread_ids and read not in unread_ids
    read_ids = [m["messageId"] for m in api.get(sender_token, PATH, {"readStatus": "true"}).json()["items"]]
    assert read in read_ids and unread not in read_ids
    assert api.get(sender_token, PATH, {"receivedBefore": "2020-01-01"}).json()["items"] == []
    assert unread in [m["messageId"] for m in api.get(sender_token, PATH, {"receivedAfter": "2020-01-01"}).json()[
        "items"]]
    one = api.get(sender_token, f"{PATH}/{read}").json()
    assert one["messageId"] == read and one["readStatus"] is True and one["subject"]


def test_one_sent_message_is_not_found_by_anyone_else(api, sender_token, enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    assert api.get(enterprise_token, f"{PATH}/{message_id}").status == 403
    answer = api.get(sender_token, f"{PATH}/00000000-0000-7000-8000-000000000000")
    assert answer.status == 404 and answer.json()["code"] == "NOT_FOUND"


def test_bad_filters_are_invalid_input(api, sender_token):
    for query in ({"readStatus": "maybe"}, {"deliveryState": "lost"}, {"actionStatus": "open"},
                  {"receivedAfter": "yesterday"}):
        answer = api.get(sender_token, PATH, query)
        assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", query
