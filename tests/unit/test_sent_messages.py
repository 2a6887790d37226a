"""A sender's list of what it published (ebox.domain.sent_messages), against an in-memory source."""

from dataclasses import dataclass, field, replace
from datetime import date

import pytest
from ebox.domain.errors import InvalidInput
from ebox.domain.message import Message
from ebox.domain.message_action import MessageAction
from ebox.domain.sent_messages import SentQuery, parse_sent_query, sent_messages

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

    def sent_keys(self, organization_id, *, before, limit):
        mine = sorted((m for m in self.messages if m.sender_organization_id == organization_id),
                      key=lambda m: m.message_id, reverse=True)
        return [(m.recipient, m.message_id) for m in mine if before is None or m.message_id < before][:limit]

    def many(self, keys):
        return [m for m in self.messages if (m.recipient, m.message_id) in keys]


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
                                    {"before": "01a2"}])
def test_bad_paging_is_refused(params):
    with pytest.raises(InvalidInput):
        parse_sent_query(params)
