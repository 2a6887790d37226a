"""A message's evidence chain in the messages table: one item per signed record (``EVIDENCE#<sequence>``)
and the chain's head (``EVIDENCE_HEAD``), under the message's own partition (``MSG#<id>``). Every write
that adds records moves the head in the same transaction, on condition that nobody moved it meanwhile."""

from __future__ import annotations

from typing import Any

from pynamodb.transactions import TransactWrite

from ebox.adapters.item_keys import message_key
from ebox.adapters.tables.message_items import EvidenceHeadItem, EvidenceItem
from ebox.domain.evidence import ChainHead, EvidenceEvent, SignedEvidence


def evidence_items(message_id: str, evidence: list[SignedEvidence]) -> list[EvidenceItem | EvidenceHeadItem]:
    """The records' items, then the chain head's item (after the last record)."""
    if not evidence:
        return []
    items: list[EvidenceItem | EvidenceHeadItem] = [
        EvidenceItem(message_key(message_id), f"EVIDENCE#{record.sequence:04d}", evidence_id=record.evidence_id,
                     sequence=record.sequence, event=record.event.value, jws=record.jws)
        for record in evidence]
    last = evidence[-1]
    items.append(EvidenceHeadItem(message_key(message_id), "EVIDENCE_HEAD", sequence=last.sequence,
                                  record_hash=last.record_hash, head_jws=last.head_jws))
    return items


def append_evidence(transaction: TransactWrite, message_id: str, head: ChainHead,
                    evidence: list[SignedEvidence]) -> None:
    """Adds the records and moves the chain head, on condition that nobody moved it meanwhile."""
    items = evidence_items(message_id, evidence)
    if not items:
        return
    for record in items[:-1]:
        transaction.save(record, condition=EvidenceItem.pk.does_not_exist())
    condition = (EvidenceHeadItem.pk.does_not_exist() if head.sequence == 0
                 else EvidenceHeadItem.sequence == head.sequence)
    transaction.save(items[-1], condition=condition)


def evidence_query(message_id: str) -> Any:
    """A message's evidence items in chain order (one Query)."""
    return EvidenceItem.query(message_key(message_id), EvidenceItem.sk.startswith("EVIDENCE#"), consistent_read=True)


def signed_record(message_id: str, item: EvidenceItem) -> SignedEvidence:
    return SignedEvidence(item.evidence_id, message_id, int(item.sequence), EvidenceEvent(item.event), item.jws)
