"""A message's evidence chain in the messages table, under the message's own partition (``MSG#<id>``):

- a new chain's records (a publication's two, a rejection's one) in **one bundle item**
  ``EVIDENCE#<first sequence>``: their compact JWS packed (each header and payload stored as the JSON text
  it encodes, the signature as it is) and compressed, so that a publication writes one small item instead of
  one item of ~2 KB per record (decision 0022);
- each later record in an item of its own, ``EVIDENCE#<sequence>``, beside it; chains written before the
  bundle keep one item per record, read the same way;
- the chain's head, ``EVIDENCE_HEAD``. Every write that adds records moves the head in the same transaction,
  on condition that nobody moved it meanwhile.

A record read back is the very JWS that was signed: packing keeps its exact bytes (a JWS whose parts do not
re-encode to themselves is kept as it is)."""

from __future__ import annotations

import json
import zlib

from pynamodb.transactions import TransactWrite

from ebox.adapters.item_keys import message_key
from ebox.adapters.tables.message_items import EvidenceBundleItem, EvidenceHeadItem, EvidenceItem
from ebox.domain.encoding import b64url_decode, b64url_encode
from ebox.domain.evidence import ChainHead, EvidenceEvent, SignedEvidence

PACK_VERSION = 1


def pack_records(jws_list: list[str]) -> bytes:
    """The records' JWS, packed and compressed (zlib): a bundle item's ``records``."""
    return zlib.compress(json.dumps({"v": PACK_VERSION, "records": [_packed(j) for j in jws_list]},
                                    separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 9)


def unpack_records(blob: bytes) -> list[str]:
    packed = json.loads(zlib.decompress(blob))
    if packed.get("v") != PACK_VERSION:
        raise ValueError(f"evidence bundle of an unknown version {packed.get('v')!r}")
    return [entry if isinstance(entry, str) else ".".join(
        (b64url_encode(entry[0].encode("utf-8")), b64url_encode(entry[1].encode("utf-8")), entry[2]))
        for entry in packed["records"]]


def _packed(jws: str) -> str | list[str]:
    header, payload, signature = jws.split(".")
    try:
        parts = [b64url_decode(header).decode("utf-8"), b64url_decode(payload).decode("utf-8"), signature]
    except ValueError:
        return jws
    rebuilt = ".".join((b64url_encode(parts[0].encode("utf-8")), b64url_encode(parts[1].encode("utf-8")), signature))
    return parts if rebuilt == jws else jws


def records_of_bundle(message_id: str, blob: bytes) -> list[SignedEvidence]:
    """A bundle's records, their ids, sequences and events read from their own (signed) payloads."""
    records = []
    for jws in unpack_records(blob):
        claims = json.loads(b64url_decode(jws.split(".")[1]))
        records.append(SignedEvidence(str(claims["evidenceId"]), message_id, int(claims["sequence"]),
                                      EvidenceEvent(claims["event"]), jws))
    return records


def _head_item(message_id: str, last: SignedEvidence) -> EvidenceHeadItem:
    return EvidenceHeadItem(message_key(message_id), "EVIDENCE_HEAD", sequence=last.sequence,
                            record_hash=last.record_hash, head_jws=last.head_jws)


def _record_item(message_id: str, record: SignedEvidence) -> EvidenceItem:
    return EvidenceItem(message_key(message_id), f"EVIDENCE#{record.sequence:04d}", evidence_id=record.evidence_id,
                        sequence=record.sequence, event=record.event.value, jws=record.jws)


def evidence_items(message_id: str, evidence: list[SignedEvidence]) -> list[EvidenceBundleItem | EvidenceHeadItem]:
    """A new chain's items: its records in one bundle item, then the chain head's item."""
    if not evidence:
        return []
    bundle = EvidenceBundleItem(message_key(message_id), f"EVIDENCE#{evidence[0].sequence:04d}",
                                records=pack_records([r.jws for r in evidence]))
    return [bundle, _head_item(message_id, evidence[-1])]


def append_evidence(transaction: TransactWrite, message_id: str, head: ChainHead,
                    evidence: list[SignedEvidence]) -> None:
    """Adds the records and moves the chain head, on condition that nobody moved it meanwhile: a new chain
    (``head`` empty) as one bundle item, a later record as an item of its own."""
    if not evidence:
        return
    if head.sequence == 0:
        bundle, head_item = evidence_items(message_id, evidence)
        transaction.save(bundle, condition=EvidenceBundleItem.pk.does_not_exist())
        transaction.save(head_item, condition=EvidenceHeadItem.pk.does_not_exist())
        return
    for record in evidence:
        transaction.save(_record_item(message_id, record), condition=EvidenceItem.pk.does_not_exist())
    transaction.save(_head_item(message_id, evidence[-1]), condition=EvidenceHeadItem.sequence == head.sequence)


def evidence_query(message_id: str) -> list[EvidenceItem]:
    """A message's evidence records in chain order (one Query), a bundle's records each as an EvidenceItem."""
    found: list[EvidenceItem] = []
    for item in EvidenceBundleItem.query(message_key(message_id), EvidenceBundleItem.sk.startswith("EVIDENCE#"),
                                         consistent_read=True):
        if item.records is not None:
            found += [_record_item(message_id, record) for record in records_of_bundle(message_id, item.records)]
        else:
            found.append(EvidenceItem(item.pk, item.sk, evidence_id=item.evidence_id, sequence=item.sequence,
                                      event=item.event, jws=item.jws, archived=bool(item.archived)))
    return sorted(found, key=lambda i: int(i.sequence))


def signed_record(message_id: str, item: EvidenceItem) -> SignedEvidence:
    return SignedEvidence(item.evidence_id, message_id, int(item.sequence), EvidenceEvent(item.event), item.jws)
