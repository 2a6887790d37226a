"""Partitions, routing rules, readers and text search: the rules, without AWS."""

import pytest
from ebox.domain.access import EboxReader, Principal, reader_for
from ebox.domain.consultation import Consultation
from ebox.domain.errors import InvalidInput, MissingScope, NotFound
from ebox.domain.message_filter import parse_filter
from ebox.domain.partitions import GENERAL, EboxUser, RoutingRule, parse_rules, place_message
from ebox.domain.search import normalise, search_query

from tests.fakes import RECIPIENT, FakeContent, FakeIndex, LocalSigner, RecordingEvents, message_in

RULES = [RoutingRule("HR", 20, sender_application_id="payroll"),
         RoutingRule("ACCOUNTING", 10, message_type_id="tax"),
         RoutingRule("LEGAL", 5, message_type_id="tax", sender_organization_id="0406798006")]


@pytest.mark.parametrize(("message_type", "application", "organization", "partition"), [
    ("tax", "payroll", "0406798006", "LEGAL"),      # the first rule by priority wins, not the first listed
    ("tax", "payroll", "0403019261", "ACCOUNTING"),  # every criterion of a rule must match
    ("notice", "payroll", "0403019261", "HR"),
    ("notice", "other", "0403019261", GENERAL),       # no rule matches: GENERAL
])
def test_routing_places_a_message_by_the_first_matching_rule(message_type, application, organization, partition):
    assert place_message(RULES, message_type_id=message_type, sender_application_id=application,
                         sender_organization_id=organization) == partition


def test_rules_come_back_ordered_and_checked():
    rules = parse_rules([{"partitionId": "HR", "priority": 9, "messageTypeId": "a"},
                         {"partitionId": "GENERAL", "senderApplicationId": "b"}], {"GENERAL", "HR"})
    assert [(r.partition, r.priority) for r in rules] == [("GENERAL", 2), ("HR", 9)]
    with pytest.raises(InvalidInput):
        parse_rules([{"partitionId": "HR", "priority": True, "messageTypeId": "a"}], {"HR"})


def test_a_person_reads_their_partitions_and_the_enterprise_reads_all():
    person = Principal("c", RECIPIENT, frozenset(), ssin="90020199734")
    reader = reader_for(person, EboxUser("90020199734", frozenset({"USER"}), frozenset({"HR"})))
    assert reader.may_see(RECIPIENT, "HR") and not reader.may_see(RECIPIENT, GENERAL)
    assert not reader.may_see("0403019261", "HR") and not reader.is_admin
    assert reader_for(Principal("c", RECIPIENT, frozenset()), None).partitions is None
    with pytest.raises(MissingScope):
        reader_for(person, None)


def test_consultation_hides_other_partitions(published_in):
    index = published_in(("m1", GENERAL), ("m2", "HR"))
    consultation = Consultation.for_reader(EboxReader(RECIPIENT, frozenset({"HR"})), index=index,
                                           content=FakeContent(), events=RecordingEvents(), signer=LocalSigner())
    assert [m.message_id for m in consultation.messages(1, 25).items] == ["m2"]
    assert consultation.summary().number_of_messages == 1
    with pytest.raises(NotFound):
        consultation.message("m1")
    with pytest.raises(NotFound):
        consultation.set_visibility({"m2": False, "m1": False})
    assert index.messages[(RECIPIENT, "m2")].visible is True


@pytest.fixture
def published_in():
    def build(*placed):
        index = FakeIndex()
        for message_id, partition in placed:
            message = message_in(message_id, partition)
            index.messages[(RECIPIENT, message_id)] = message
        return index

    return build


def test_search_text_ignores_case_accents_and_spacing():
    assert normalise("  Société   GÉNÉRALE Ærø ") == "societe generale ærø"
    assert search_query("ÉTÉ", "fr") == ("ete", "fr")
    with pytest.raises(InvalidInput):
        search_query(None, "fr")


def test_filters_parse_dates_flags_and_partitions():
    wanted = parse_filter({"receivedAfter": "2026-01-31", "readStatus": "FALSE", "partition": "HR", "q": "Été"})
    assert (wanted.received_after, wanted.read_status, wanted.partition, wanted.text) == (
        "2026-01-31T00:00:00Z", False, "HR", "ete")
    assert parse_filter({}).is_empty
    assert parse_filter({"expiredBefore": "2026-01-31T10:00:00+01:00"}).expired_before == "2026-01-31T09:00:00Z"
