"""Replies and actions, in memory: the rules of who may reply, where a reply lands, and how an action
is validated, marked done and found overdue."""

from __future__ import annotations

from datetime import date

import pytest
from ebox.domain.errors import AcceptanceRequired, InvalidInput, NotFound, ReplyNotAuthorized
from ebox.domain.message_action import DONE, TODO, MessageAction, parse_action, parse_status_update
from ebox.domain.message_filter import parse_filter
from ebox.domain.partitions import GENERAL, Partition, RoutingRule
from ebox.domain.publication_request import content_from_dict
from ebox.domain.registry import Enterprise
from ebox.domain.replies import check_reply_allowed, reply_partition, reply_request

from tests.fakes import RECIPIENT, SENDER, FakeContent, FakeIndex, LocalSigner, RecordingEvents, message_in

ORGANISATION = Enterprise(SENDER, "ONSS", True, True,
                          routing_rules=(RoutingRule("REPLIES", 1, sender_application_id="ebox-reply"),))


def test_only_a_message_that_allows_replies_may_be_answered():
    with pytest.raises(ReplyNotAuthorized):
        check_reply_allowed(message_in("m1", GENERAL))
    check_reply_allowed(message_in("m1", GENERAL, is_reply_authorized=True))
    with pytest.raises(AcceptanceRequired):
        check_reply_allowed(message_in("m1", GENERAL, is_reply_authorized=True, registered_mail_type="qualified",
                                       delivery_state="awaiting_acceptance"))


def test_a_reply_goes_from_the_recipient_to_the_sender_organisation():
    original = message_in("m1", "ACCOUNTING", is_reply_authorized=True)
    content = content_from_dict({"subject": {"fr": "Réponse"}, "bodyContent": {"fr": "ok"}, "isBodyMainContent": True})
    request = reply_request(original, content)
    assert (request.sender.enterprise_number, request.sender.partition) == (RECIPIENT, "ACCOUNTING")
    assert request.recipient.ebox_id == SENDER and request.original_message_id == "m1"
    assert request.sender.application_id == "ebox-reply" and request.is_reply_authorized


@pytest.mark.parametrize(("sender_partition", "expected"), [
    ("COLLECTION", "COLLECTION"),  # the partition the original was sent from
    ("GONE", "REPLIES"),           # a partition the organisation does not have: its routing rules decide
    (None, "REPLIES"),
])
def test_a_reply_lands_where_the_original_came_from(sender_partition, expected):
    original = message_in("m1", GENERAL, sender_partition=sender_partition)
    partitions = [Partition(GENERAL, "General"), Partition("COLLECTION", "Perception")]
    assert reply_partition(original, ORGANISATION, partitions) == expected


@pytest.mark.parametrize("value", [{"kind": "PAY", "dueDate": "2027-01-01"}, {"kind": "PAYMENT"},
                                   {"kind": "PAYMENT", "dueDate": "2027-13-01"},
                                   {"kind": "PAYMENT", "dueDate": "2027-01-01", "link": "ftp://x.example"},
                                   {"kind": "PAYMENT", "dueDate": "2027-01-01", "link": "https://"}, []])
def test_a_bad_action_names_its_field(value):
    with pytest.raises(InvalidInput, match="action"):
        parse_action(value)


def test_an_action_is_overdue_from_the_day_after_its_due_date_while_todo():
    action = parse_action({"kind": "PAYMENT", "dueDate": "2027-01-31", "link": "https://pay.example/1"})
    assert action == MessageAction("PAYMENT", "2027-01-31", "https://pay.example/1", TODO)
    assert not action.is_overdue(date(2027, 1, 31)) and action.is_overdue(date(2027, 2, 1))
    assert not action.done(at="2027-02-02T00:00:00Z", by=RECIPIENT).is_overdue(date(2027, 3, 1))
    with pytest.raises(InvalidInput):
        parse_status_update({"status": "TODO"})
    assert parse_status_update({"status": "DONE"}) == DONE


def test_overdue_implies_for_action_and_splits_on_today():
    today = date(2027, 2, 1)
    assert parse_filter({"overdue": "true"}, today=today).action_due_before == "2027-02-01"
    assert parse_filter({"forAction": "true", "overdue": "false"}, today=today).action_due_from == "2027-02-01"
    assert parse_filter({}).for_action is None
    with pytest.raises(InvalidInput):
        parse_filter({"forAction": "false"})


def test_marking_done_is_once_and_only_for_whoever_sees_the_message():
    from ebox.domain.consultation import Consultation

    index = FakeIndex()
    action = MessageAction("PAYMENT", "2027-01-31")
    index.messages[(RECIPIENT, "m1")] = message_in("m1", "HR", action=action)
    index.messages[(RECIPIENT, "m2")] = message_in("m2", "HR")

    def reader(partitions, ssin=None):
        return Consultation(enterprise_number=RECIPIENT, partitions=partitions, index=index, content=FakeContent(),
                            events=RecordingEvents(), signer=LocalSigner(), ssin=ssin)

    with pytest.raises(NotFound):
        reader(frozenset({"ACCOUNTING"}), "90020199734").mark_action_done("m1", now="t1")
    with pytest.raises(NotFound):
        reader(None).mark_action_done("m2", now="t1")
    first = reader(frozenset({"HR"}), "85073003328").mark_action_done("m1", now="t1")
    again = reader(None).mark_action_done("m1", now="t2")
    assert first.action == again.action == action.done(at="t1", by="85073003328")
