"""A message's evidence chain as items of the messages table (decision 0025), on moto: a new chain is one item
holding its records and its head; appends leave those records as they are; chains written before (a bundle
and its head item, or one item per record and the head item) read, take appends and verify as before."""

from dataclasses import replace

import pytest
from ebox.adapters.evidence_packing import pack_records, unpack_head
from ebox.adapters.item_keys import ebox_key, message_key
from ebox.adapters.tables.message_items import EvidenceBundleItem, EvidenceHeadItem, EvidenceItem, MessageItem
from ebox.domain.errors import TransientError
from ebox.domain.evidence import ChainHead
from ebox_cli.evidence_check import verify_records

from bench.cost import item_size
from tests.apigw import publication
from tests.conftest import on_localstack

EBOX = "/messageRegistry/v2/ebox"
RECIPIENT = "0852093431"


def _items(message_id):
    query = EvidenceBundleItem.query(f"MSG#{message_id}", EvidenceBundleItem.sk.startswith("EVIDENCE"))
    return {item.sk: item for item in query}


def _open(api, token, message_id):
    href = api.get(token, f"{EBOX}/messages/{message_id}").json()["attachments"]["items"][0]["contentHref"]
    assert api.get(token, href).status == 200


def _verified(api, token, message_id, count):
    answer = api.get(token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences").json()
    assert [i["sequence"] for i in answer["items"]] == list(range(1, count + 1))
    keys = api.call("GET", "/evidence/keys").json()
    verdict = verify_records([i["jws"] for i in answer["items"]], keys, [], head=answer["head"])
    assert verdict.ok, verdict
    return answer


def test_a_publication_writes_one_evidence_item_that_holds_its_records_and_its_head(api, sender_token,
                                                                                   enterprise_token):
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    items = _items(message_id)
    assert list(items) == ["EVIDENCE#0001"]  # no EVIDENCE_HEAD
    first = items["EVIDENCE#0001"]
    assert first.records is not None and first.head is not None and first.head_sequence == 2
    assert item_size(first.serialize()) <= 1024  # one write unit's kilobyte: 2 units in the transaction
    answer = _verified(api, enterprise_token, message_id, 2)
    assert [i["event"] for i in answer["items"]] == ["SubmissionAcceptance", "ContentConsignment"]


def test_an_append_moves_the_head_and_leaves_the_first_records_as_they_were(api, sender_token, enterprise_token,
                                                                            stack):
    message_id = api.publish(sender_token, publication(body={"fr": "Voir le document."})).json()["messageId"]
    packed = _items(message_id)["EVIDENCE#0001"].records
    first_two = [r.jws for r in stack.services.index.evidence(message_id)]

    _open(api, enterprise_token, message_id)

    items = _items(message_id)
    assert list(items) == ["EVIDENCE#0001", "EVIDENCE#0003"]
    first = items["EVIDENCE#0001"]
    assert first.records == packed and first.head_sequence == 3 and first.head is not None
    assert item_size(first.serialize()) <= 1024  # an update is billed on the item's size: 2 units still
    chain = stack.services.index.evidence(message_id)
    assert [r.jws for r in chain[:2]] == first_two and chain[-1].head_jws == unpack_head(first.head)
    assert stack.services.index.evidence_head(message_id) == ChainHead(3, chain[-1].record_hash)
    _verified(api, enterprise_token, message_id, 3)


def test_an_append_after_a_head_read_before_another_append_is_refused(stack, api, sender_token):
    """Two appenders that read the same head: the second finds it moved (no fork of the chain), though the
    record it brings (sequence 2, packed in the first item) has no item of its own to collide with."""
    message_id = api.publish(sender_token, publication()).json()["messageId"]
    index = stack.services.index
    stale = replace(index.evidence(message_id)[1], head_jws=None)
    with pytest.raises(TransientError):
        index.mark_read(RECIPIENT, message_id, "2026-11-30T10:00:00Z", [stale])
    assert list(_items(message_id)) == ["EVIDENCE#0001"]
    assert _items(message_id)["EVIDENCE#0001"].head_sequence == 2
    assert MessageItem.get(ebox_key(RECIPIENT), message_key(message_id)).read_status is False  # cancelled whole


def _as_written_before(stack, message_id, layout):
    """The chain rewritten as releases before decision 0025 wrote it: ``bundle`` (decision 0022: the records in
    a bundle item, version 1) or ``items`` (one item per record), and the head in an item of its own."""
    records = stack.services.index.evidence(message_id)
    pk = f"MSG#{message_id}"
    EvidenceBundleItem(pk, "EVIDENCE#0001").delete()
    if layout == "bundle":
        EvidenceBundleItem(pk, "EVIDENCE#0001", records=pack_records([r.jws for r in records])).save()
    else:
        for r in records:
            EvidenceItem(pk, f"EVIDENCE#{r.sequence:04d}", evidence_id=r.evidence_id, sequence=r.sequence,
                         event=r.event.value, jws=r.jws).save()
    last = records[-1]
    EvidenceHeadItem(pk, "EVIDENCE_HEAD", sequence=last.sequence, record_hash=last.record_hash,
                     head_jws=last.head_jws).save()
    return records


@pytest.mark.parametrize("layout", ["bundle", "items"])
def test_a_chain_written_before_reads_takes_an_append_and_verifies(api, stack, sender_token, enterprise_token,
                                                                   layout):
    message_id = api.publish(sender_token, publication(body={"fr": "Voir le document."})).json()["messageId"]
    before = _as_written_before(stack, message_id, layout)
    first = _items(message_id)["EVIDENCE#0001"]
    assert stack.services.index.evidence(message_id) == before
    _verified(api, enterprise_token, message_id, 2)

    _open(api, enterprise_token, message_id)

    items = _items(message_id)
    moved = EvidenceHeadItem.get(f"MSG#{message_id}", "EVIDENCE_HEAD")
    assert moved.sequence == 3 and moved.head_jws
    assert items["EVIDENCE#0001"].records == first.records and items["EVIDENCE#0001"].head_sequence is None
    assert "EVIDENCE#0003" in items
    _verified(api, enterprise_token, message_id, 3)


@pytest.mark.skipif(on_localstack(), reason="moto delivers the stream to the archive before the answer")
def test_each_record_of_a_chain_is_archived_once(api, stack, sender_token, enterprise_token):
    """The first item's insert brings the publication's records to the archive (not its head); the append's
    update of that item brings nothing again, the new record's own item brings the new record."""
    message_id = api.publish(sender_token, publication(body={"fr": "Voir le document."})).json()["messageId"]
    _open(api, enterprise_token, message_id)
    answer = _verified(api, enterprise_token, message_id, 3)
    places = [(i["archive"]["object"], i["archive"]["line"]) for i in answer["items"]]
    assert [line for _, line in places] == [1, 2, 1]
    assert places[0][0] == places[1][0] != places[2][0]
    s3 = stack.services.client("s3")
    listed = s3.list_objects_v2(Bucket=stack.services.config.evidence_bucket, Prefix="evidence/batches/")
    assert sorted(o["Key"] for o in listed.get("Contents", []) if message_id in o["Key"] and
                  o["Key"].endswith(".jwsl")) == sorted({places[0][0], places[2][0]})
