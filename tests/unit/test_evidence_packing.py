"""A new chain's one item (decision 0025): its records and signed head packed (version 2, a preset zlib
dictionary), read back byte for byte; the stream gives the archive its records once."""

from __future__ import annotations

import base64
import zlib
from dataclasses import replace

import pytest
from ebox.adapters.evidence_chain import evidence_items, first_item, records_of_bundle
from ebox.adapters.evidence_packing import (
    pack_chain,
    pack_head,
    pack_records,
    preset_v2,
    unpack,
    unpack_head,
    unpack_records,
)
from ebox.adapters.evidence_stream import new_evidence
from ebox.domain.encoding import b64url_encode

from tests.unit.test_evidence_archiving import record

HEAD = b64url_encode(b'{"alg":"ES256","typ":"ebox-evidence-head+jwt"}') + "." + b64url_encode(
    b'{"messageId":"m1","count":2}') + ".headsig"


def test_version_2_gives_back_the_very_jws_and_head_it_was_given():
    signed = [record("m1", 1).jws, record("m1", 2).jws]
    padded = signed[0].replace(".sig", ".sig=")  # not canonical base64url: kept as it is
    packed = unpack(pack_chain([*signed, padded], HEAD))
    assert packed.records == [*signed, padded] and packed.head == HEAD
    assert unpack(pack_chain(signed, None)).head is None
    assert unpack_head(pack_head(HEAD)) == HEAD
    assert [(r.sequence, r.event.value) for r in records_of_bundle("m1", pack_chain(signed, HEAD))] == [
        (1, "SubmissionAcceptance"), (2, "ContentConsignment")]  # the head is not a record


def test_bundles_written_before_still_read():
    signed = [record("m1", 1).jws, record("m1", 2).jws]
    assert unpack_records(pack_records(signed)) == signed
    assert unpack(pack_records(signed)).head is None


def test_the_preset_dictionary_never_changes():
    """Every version 2 item names this dictionary by its Adler-32: another one could not be read."""
    assert zlib.adler32(preset_v2()) == 3789805956
    assert pack_chain([record("m1", 1).jws], HEAD)[2:6] == (3789805956).to_bytes(4, "big")


def test_a_bundle_naming_a_dictionary_nobody_knows_is_refused():
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, b"another dictionary")
    blob = compressor.compress(b'{"v":2,"records":[]}') + compressor.flush()
    with pytest.raises(ValueError, match="unknown dictionary"):
        unpack(blob)


def _stream_record(event_name: str, item: dict) -> dict:
    image = {name: ({"B": base64.b64encode(value["B"]).decode()} if "B" in value else value)
             for name, value in item.items()}
    return {"eventName": event_name, "dynamodb": {"Keys": {"pk": image["pk"], "sk": image["sk"]}, "NewImage": image}}


def test_the_stream_brings_a_new_chains_records_once_and_never_its_head():
    publication = [record("m1", 1), replace(record("m1", 2), head_jws=HEAD)]
    inserted = first_item("m1", publication)
    moved = first_item("m1", publication)
    moved.head_sequence, moved.head = 3, pack_head(HEAD)
    later = {"pk": {"S": "MSG#m1"}, "sk": {"S": "EVIDENCE#0003"}, "evidence_id": {"S": "ev-m1-3"},
             "sequence": {"N": "3"}, "event": {"S": "ContentHandover"}, "jws": {"S": record("m1", 3).jws}}
    found = new_evidence([_stream_record("INSERT", inserted.serialize()),
                          _stream_record("MODIFY", moved.serialize()),  # an append moved the head
                          _stream_record("INSERT", later)])
    assert [(r.sequence, r.jws) for r in found] == [(1, publication[0].jws), (2, publication[1].jws),
                                                    (3, record("m1", 3).jws)]


def test_a_bulk_line_writes_its_chain_as_the_same_one_item():
    publication = [record("m1", 1), replace(record("m1", 2), head_jws=HEAD)]
    (item,) = evidence_items("m1", publication)  # the chunk's BatchWriteItem puts it as it is
    assert item.serialize() == first_item("m1", publication).serialize()
    assert (item.sk, item.head_sequence, unpack_head(item.head)) == ("EVIDENCE#0001", 2, HEAD)
    assert unpack_records(item.records) == [r.jws for r in publication]
