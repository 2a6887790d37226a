from datetime import UTC, datetime

import pytest
from ebox.domain.errors import DuplicatePublication, IdempotencyKeyReused, InvalidInput, InvalidSender
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import PublicationPorts, publish
from ebox.domain.publication_request import message_from_dict

from tests.fakes import (
    INACTIVE,
    PAPER_ONLY,
    RECIPIENT,
    SENDER,
    FakeContent,
    FakeIndex,
    FakeRegistry,
    LocalSigner,
    RecordingEvents,
    document,
    message_json,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def ports():
    return PublicationPorts(FakeRegistry(), FakeContent(), FakeIndex(), RecordingEvents(), LocalSigner())


def run(ports, *, message_id="m-1", org=SENDER, claim=None, docs=None, **overrides):
    docs = {"upfile1": document()} if docs is None else docs
    for doc in docs.values():
        ports.content.objects[doc.staged_key] = b"%PDF-1.7 demo"
    return publish(request=message_from_dict(message_json(**overrides)), documents=docs, authenticated_org=org,
                   claim=claim, message_id=message_id, received=NOW, ports=ports)


def test_a_published_message_is_in_the_recipients_ebox_with_its_document(ports):
    result = run(ports)
    assert result.to_response() == {"messageId": "m-1", "expirationDate": "2028-11-22T12:00:00Z"}
    stored = ports.index.get(RECIPIENT, "m-1")
    assert stored.subject["fr"] == "Avis de cotisation"
    assert ports.content.open_document(stored.attachments[0]) == b"%PDF-1.7 demo"
    assert ports.events.published == []  # announced by the outbox (the index's stream), not by the API
    assert ports.content.discarded == []


def test_recipient_without_an_opened_ebox_gets_the_message_and_the_sender_is_told(ports):
    result = run(ports, recipient={"eboxType": "enterprise", "enterpriseNumber": PAPER_ONLY})
    assert result.code == "NO_DIGITAL_USER"
    assert ports.index.get(PAPER_ONLY, "m-1") is not None


@pytest.mark.parametrize("number", [INACTIVE, "0477445084"])
def test_inactive_or_unregistered_recipient_is_refused_and_nothing_is_written(ports, number):
    with pytest.raises(InvalidInput, match=number):
        run(ports, recipient={"eboxType": "enterprise", "enterpriseNumber": number})
    assert ports.index.messages == {} and ports.content.objects == {}  # the received document deleted again
    assert ports.content.discarded == ["staging/x/upfile1"]


def test_sender_other_than_the_tokens_organisation_is_invalid_sender(ports):
    with pytest.raises(InvalidSender, match="not the organisation of the access token"):
        run(ports, org="0403019261")
    assert ports.index.messages == {}


def test_unregistered_trio_is_invalid_sender(ports):
    with pytest.raises(InvalidSender, match="trio"):
        run(ports, messageTypeId="tax-assessment")


def test_same_idempotency_key_and_payload_answers_the_original_message(ports):
    claim = IdempotencyClaim(SENDER, "demo-app", "key-1", "fingerprint-A")
    first = run(ports, claim=claim)
    with pytest.raises(DuplicatePublication) as duplicate:
        run(ports, claim=claim, message_id="m-2")
    assert duplicate.value.message_id == first.message_id
    assert len(ports.index.messages) == 1


def test_same_idempotency_key_with_another_payload_is_refused(ports):
    run(ports, claim=IdempotencyClaim(SENDER, "demo-app", "key-1", "fingerprint-A"))
    with pytest.raises(IdempotencyKeyReused):
        run(ports, claim=IdempotencyClaim(SENDER, "demo-app", "key-1", "fingerprint-B"), message_id="m-2")
    assert len(ports.index.messages) == 1
