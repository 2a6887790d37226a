"""A message's evidence chain in the messages table, under the message's own partition (``MSG#<id>``):

- a new chain (a publication's two records, a rejection's one) is **one item**, ``EVIDENCE#0001``: its records'
  compact JWS packed and compressed (``records``, ebox.adapters.evidence_packing, version 2), its signed head
  packed the same way (``head``) and the head's position (``head_sequence``) (decision 0025). The chain's
  head lives there for the chain's life: an append moves it with an update of ``head_sequence`` and ``head``
  alone, conditional on ``head_sequence`` being where the appender read it; the records are never rewritten;
- each later record is an item of its own, ``EVIDENCE#<sequence>``, beside it;
- chains written before keep their layout, read and appended to as before: a bundle item ``EVIDENCE#0001``
  of records only (version 1, decision 0022) or one item per record, and the head in an item of its own,
  ``EVIDENCE_HEAD``, moved by a conditional put.

A record read back is the very JWS that was signed (the packing keeps its exact bytes)."""

from __future__ import annotations

import json
from dataclasses import replace

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from ebox.adapters.aws_errors import classified
from ebox.adapters.evidence_packing import pack_chain, pack_head, unpack_head, unpack_records
from ebox.adapters.item_keys import message_key
from ebox.adapters.tables.message_items import EvidenceBundleItem, EvidenceHeadItem, EvidenceItem
from ebox.domain.encoding import b64url_decode
from ebox.domain.evidence import ChainHead, EvidenceEvent, SignedEvidence

HEAD_KEY = "EVIDENCE_HEAD"


def record_key(sequence: int) -> str:
    return f"EVIDENCE#{sequence:04d}"


FIRST_KEY = record_key(1)


def records_of_bundle(message_id: str, blob: bytes) -> list[SignedEvidence]:
    """A bundle's records (either version; not the head a version 2 bundle carries), their ids, sequences and
    events read from their own (signed) payloads."""
    return [_record_of(message_id, jws) for jws in unpack_records(blob)]


def _record_of(message_id: str, jws: str) -> SignedEvidence:
    claims = json.loads(b64url_decode(jws.split(".")[1]))
    return SignedEvidence(str(claims["evidenceId"]), message_id, int(claims["sequence"]),
                          EvidenceEvent(claims["event"]), jws)


def first_item(message_id: str, evidence: list[SignedEvidence]) -> EvidenceBundleItem:
    """A new chain's one item: its records, its signed head and where the head is."""
    last = evidence[-1]
    head, head_hash = _head_attributes(last)
    return EvidenceBundleItem(message_key(message_id), record_key(evidence[0].sequence),
                              records=pack_chain([r.jws for r in evidence], None),
                              head_sequence=last.sequence, head=head, head_hash=head_hash)


def _head_attributes(last: SignedEvidence) -> tuple[bytes | None, str | None]:
    """``head`` and ``head_hash``: the signed head, packed (the hash of the last record is in its claims); the
    hash alone when a chain has no signed head (records of policy v1)."""
    if last.head_jws:
        return pack_head(last.head_jws), None
    return None, last.record_hash


def evidence_items(message_id: str, evidence: list[SignedEvidence]) -> list[EvidenceBundleItem]:
    """A new chain's items (for writers that cannot append, such as a bulk chunk's batch writes): one."""
    return [first_item(message_id, evidence)] if evidence else []


def _head_item(message_id: str, last: SignedEvidence) -> EvidenceHeadItem:
    return EvidenceHeadItem(message_key(message_id), HEAD_KEY, sequence=last.sequence,
                            record_hash=last.record_hash, head_jws=last.head_jws)


def _record_item(message_id: str, record: SignedEvidence) -> EvidenceItem:
    return EvidenceItem(message_key(message_id), record_key(record.sequence), evidence_id=record.evidence_id,
                        sequence=record.sequence, event=record.event.value, jws=record.jws)


def append_evidence(transaction: TransactWrite, message_id: str, head: ChainHead,
                    evidence: list[SignedEvidence]) -> None:
    """Adds the records and moves the chain head, on condition that nobody moved it meanwhile: a new chain
    (``head`` empty) as one item, a later record as an item of its own. Where the head of an existing chain
    lives (in its first item, or in an item of its own for chains written before) is read first."""
    if not evidence:
        return
    if head.sequence == 0:
        transaction.save(first_item(message_id, evidence), condition=EvidenceBundleItem.pk.does_not_exist())
        return
    for record in evidence:
        transaction.save(_record_item(message_id, record), condition=EvidenceItem.pk.does_not_exist())
    last = evidence[-1]
    if _head_in_first_item(message_id):
        packed_head, head_hash = _head_attributes(last)
        item = EvidenceBundleItem
        transaction.update(
            item(message_key(message_id), FIRST_KEY),
            actions=[item.head_sequence.set(last.sequence),
                     item.head.set(packed_head) if packed_head else item.head.remove(),
                     item.head_hash.set(head_hash) if head_hash else item.head_hash.remove()],
            condition=item.head_sequence == head.sequence)
        return
    transaction.save(_head_item(message_id, last), condition=EvidenceHeadItem.sequence == head.sequence)


def _head_in_first_item(message_id: str) -> bool:
    """Whether the chain keeps its head in its first item (written since decision 0025): a layout that never
    changes once written, so that a consistent read before the transaction is as good as one inside it."""
    with classified(f"could not read where the evidence chain of {message_id} keeps its head"):
        try:
            item = EvidenceBundleItem.get(message_key(message_id), FIRST_KEY, consistent_read=True,
                                          attributes_to_get=["head_sequence"])
        except DoesNotExist:
            return False
    return item.head_sequence is not None


def chain_head(message_id: str) -> ChainHead:
    """The chain's head (empty for no chain): from its first item, else from its own item (older chains)."""
    with classified(f"could not read the evidence chain head of {message_id}"):
        try:
            first = EvidenceBundleItem.get(message_key(message_id), FIRST_KEY, consistent_read=True)
        except DoesNotExist:
            first = None
        if first is not None and first.head_sequence is not None:
            sequence, hash_of_last, _ = _head_of_first(message_id, first)
            return ChainHead(sequence, hash_of_last)
        try:
            item = EvidenceHeadItem.get(message_key(message_id), HEAD_KEY, consistent_read=True)
        except DoesNotExist:
            return ChainHead.empty()
    return ChainHead(int(item.sequence), item.record_hash)


def _head_of_first(message_id: str, first: EvidenceBundleItem) -> tuple[int, str, str | None]:
    """Where a first item says the head is, the hash of the last record and the signed head."""
    sequence = int(first.head_sequence)
    if first.head is None:
        return sequence, first.head_hash, None
    head_jws = unpack_head(first.head)
    claims = json.loads(b64url_decode(head_jws.split(".")[1]))
    if claims.get("count") != sequence or claims.get("messageId") != message_id:
        raise ValueError(f"the evidence chain of {message_id} has its head at {sequence}, its signed head "
                         f"counts {claims.get('count')} records of {claims.get('messageId')}")
    return sequence, str(claims["lastRecordHash"]), head_jws


def read_chain(message_id: str) -> list[SignedEvidence]:
    """The chain in order (one Query; plus one GetItem for chains whose head is an item of its own), the last
    record carrying the chain's signed head (when it has one)."""
    records: list[SignedEvidence] = []
    head: tuple[int, str | None] | None = None
    for item in EvidenceBundleItem.query(message_key(message_id), EvidenceBundleItem.sk.startswith("EVIDENCE#"),
                                         consistent_read=True):
        if item.records is not None:
            records += records_of_bundle(message_id, item.records)
            if item.head_sequence is not None:
                sequence, _, head_jws = _head_of_first(message_id, item)
                head = (sequence, head_jws)
        else:
            records.append(SignedEvidence(item.evidence_id, message_id, int(item.sequence),
                                          EvidenceEvent(item.event), item.jws))
    records.sort(key=lambda r: r.sequence)
    if not records:
        return records
    if head is None:
        try:
            own = EvidenceHeadItem.get(message_key(message_id), HEAD_KEY, consistent_read=True)
        except DoesNotExist:
            return records
        head = (int(own.sequence), own.head_jws)
    sequence, head_jws = head
    if head_jws and sequence == records[-1].sequence:
        records[-1] = replace(records[-1], head_jws=head_jws)
    return records
