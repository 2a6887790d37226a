"""A sender's list of what it published (ebox.domain.sent_messages), against an in-memory source."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pytest
from ebox.domain.errors import InvalidInput, NotFound
from ebox.domain.ids import new_message_id
from ebox.domain.message import Message
from ebox.domain.message_action import MessageAction
from ebox.domain.sent_messages import EXAMINED_PER_PAGE, SentQuery, parse_sent_query, sent_message, sent_messages

SENDER = "0406798006"


def message(n: int, sender: str = SENDER, **changes) -> Message:
    base = Message(message_id=f"0190{n:04d}-0000-7000-8000-000000000000", recipient="0852093431",
                   sender_organization_id=sender, sender_application_id="demo-app", message_type_id="demo-notice",
                   subject={"fr": f"Avis {n}"}, receipt_date="2026-11-30T10:00:00Z",
                   expiration_date="2028-11-30T10:00:00Z", is_body_main_content=False,
                   is_reply_authorized=False, is_registered_mail=False, body=None)
    return replace(base, **changes)


@dataclass
class Source:
    messages: list[Message] = field(default_factory=list)
    read: list[int] = field(default_factory=list)  # how many messages each many() call read

    def sent_keys(self, organization_id, *, before, limit, after=None):
        mine = sorted((m for m in self.messages if m.sender_organization_id == organization_id),
                      key=lambda m: m.message_id, reverse=True)
        return [(m.recipient, m.message_id) for m in mine
                if (before is None or m.message_id < before) and (after is None or m.message_id >= after)][:limit]

    def sent_key(self, organization_id, message_id):
        return next(((m.recipient, m.message_id) for m in self.messages
                     if m.sender_organization_id == organization_id and m.message_id == message_id), None)

    def many(self, keys):
        self.read.append(len(keys))
        return [m for m in self.messages if (m.recipient, m.message_id) in keys]


def published_at(n: int, when: str, **changes) -> Message:
    """Message ``n`` published at ``when`` (its UUIDv7 id taken at that moment)."""
    millis = int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp() * 1000)
    return message(n, message_id=new_message_id(millis), receipt_date=when, **changes)


def test_pages_run_newest_first_and_say_where_the_next_begins():
    source = Source([message(n) for n in range(5)] + [message(9, sender="0403019261")])
    first = sent_messages(SENDER, SentQuery(page_size=2), source)
    assert [m["subject"]["fr"] for m in first["items"]] == ["Avis 4", "Avis 3"]
    last = sent_messages(SENDER, SentQuery(page_size=2, before=sent_messages(
        SENDER, SentQuery(page_size=2, before=first["before"]), source)["before"]), source)
    assert [m["subject"]["fr"] for m in last["items"]] == ["Avis 0"] and "before" not in last


def test_each_message_says_what_became_of_it():
    action = MessageAction(kind="PAYMENT", due_date="2026-11-01")
    source = Source([message(1, read_status=True, registered_mail_type="qualified", is_registered_mail=True,
                             delivery_state="refused", action=action)])
    [item] = sent_messages(SENDER, SentQuery(), source, today=date(2026, 11, 30))["items"]
    assert item["readStatus"] is True and item["deliveryState"] == "refused"
    assert item["registeredMailType"] == "qualified"
    assert item["action"]["status"] == "TODO" and item["action"]["overdue"] is True


@pytest.mark.parametrize("params", [{"pageSize": "0"}, {"pageSize": "101"}, {"pageSize": "ten"},
                                    {"pageSize": "³"}, {"before": "01a2"}])
def test_bad_paging_is_refused(params):
    with pytest.raises(InvalidInput):
        parse_sent_query(params)


def test_status_filters_look_at_a_bounded_number_of_messages_and_say_where_to_go_on():
    # 450 messages, one unread in 150: a page of unread ones looks at 200 messages at most.
    source = Source([message(n, read_status=n % 150 != 0) for n in range(1, 451)])
    first = sent_messages(SENDER, parse_sent_query({"readStatus": "false", "pageSize": "10"}), source)
    assert [m["subject"]["fr"] for m in first["items"]] == ["Avis 450", "Avis 300"]
    assert source.read == [EXAMINED_PER_PAGE] and first["before"] == message(251).message_id
    second = sent_messages(SENDER, parse_sent_query({"readStatus": "false", "before": first["before"]}), source)
    assert [m["subject"]["fr"] for m in second["items"]] == ["Avis 150"]
    third = sent_messages(SENDER, parse_sent_query({"readStatus": "false", "before": second["before"]}), source)
    assert third["items"] == [] and "before" not in third  # the last 50: none unread, nothing further


def test_a_full_page_of_matches_goes_on_after_its_last_match():
    source = Source([message(n, read_status=True) for n in range(1, 31)])
    page = sent_messages(SENDER, parse_sent_query({"readStatus": "true", "pageSize": "5"}), source)
    assert [m["subject"]["fr"] for m in page["items"]] == [f"Avis {n}" for n in range(30, 25, -1)]
    assert page["before"] == message(26).message_id


@pytest.mark.parametrize(("params", "expected"), [
    ({"deliveryState": "pending"}, ["Avis 2", "Avis 1"]),
    ({"deliveryState": "refused"}, ["Avis 3"]),
    ({"deliveryState": "accepted"}, ["Avis 4"]),
    ({"actionStatus": "TODO"}, ["Avis 5"]),
    ({"actionStatus": "DONE"}, ["Avis 6"]),
    ({"readStatus": "true", "deliveryState": "accepted"}, ["Avis 4"]),
])
def test_each_status_filter_keeps_what_it_names(params, expected):
    qualified = {"registered_mail_type": "qualified", "is_registered_mail": True}
    todo = MessageAction(kind="PAYMENT", due_date="2030-01-31")
    source = Source([message(1, delivery_state="awaiting_acceptance", **qualified),
                     message(2, delivery_state="answered", **qualified),
                     message(3, delivery_state="refused", **qualified),
                     message(4, delivery_state="accepted", read_status=True, **qualified),
                     message(5, action=todo), message(6, action=todo.done(at="2026-11-30T10:00:00Z", by="x")),
                     message(7)])
    page = sent_messages(SENDER, parse_sent_query(params), source)
    assert [m["subject"]["fr"] for m in page["items"]] == expected


def test_a_date_range_narrows_the_keys_read_and_keeps_the_exact_dates():
    days = [f"2026-11-{d:02d}T12:00:00Z" for d in range(1, 11)]
    source = Source([published_at(n, day) for n, day in enumerate(days, start=1)])
    page = sent_messages(SENDER, parse_sent_query({"receivedAfter": "2026-11-03", "receivedBefore": "2026-11-06"}),
                         source)
    assert [m["receiptDate"] for m in page["items"]] == days[4:1:-1]  # the 5th, 4th and 3rd
    assert source.read == [3]  # only the keys of the range were read


def test_one_sent_message_is_found_by_its_id_and_only_by_its_sender():
    source = Source([message(1, read_status=True), message(2, sender="0403019261")])
    assert sent_message(SENDER, message(1).message_id, source)["readStatus"] is True
    for other in (message(2).message_id, "not-an-id", "01900099-0000-7000-8000-000000000000"):
        with pytest.raises(NotFound):
            sent_message(SENDER, other, source)


@pytest.mark.parametrize("params", [{"readStatus": "yes"}, {"deliveryState": "answered"}, {"actionStatus": "done"},
                                    {"receivedAfter": "yesterday"}])
def test_bad_filters_are_refused(params):
    with pytest.raises(InvalidInput):
        parse_sent_query(params)
