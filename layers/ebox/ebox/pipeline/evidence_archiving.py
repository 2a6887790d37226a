"""Evidence archiving: each stream batch of new evidence records becomes one Object Lock object (one compact
JWS per line) and one RFC 3161 token over its digest list (ebox.domain.evidence_batches); one entry per
message and batch says where its records are. No per-record object, token or mark.

Idempotent under redelivery: the object is named after the batch's first record and written only if absent,
so a retried batch (Lambda delivers a failed stream batch again from the same record) meets what its first
try wrote, reads it back, stamps it if the token is missing, and writes the same entries again. Records of
the retry that the object does not hold (a retry that brought more) go to a next object, named after the
first of them. A crash anywhere loses nothing: the stream keeps the records until a try succeeds."""

from __future__ import annotations

from dataclasses import dataclass

from ebox import observability
from ebox.domain.evidence import SignedEvidence
from ebox.domain.evidence_batches import (
    ArchiveProof,
    batch_body,
    batch_key,
    batch_lines,
    digest_list,
    entries_of,
    single_record_key,
)
from ebox.domain.ports import ArchiveEntries, EvidenceArchive, Timestamper


@dataclass(frozen=True)
class ArchivingPorts:
    archive: EvidenceArchive
    entries: ArchiveEntries
    timestamper: Timestamper | None  # None: no TSA is configured


def archive_batch(records: list[SignedEvidence], ports: ArchivingPorts) -> int:
    """Archives one stream batch's records; returns how many objects were written or found."""
    pending = list({r.record_hash: r for r in records}.values())  # a record the stream brought twice: once
    objects = 0
    while pending:
        key = batch_key(pending[0])
        body = batch_body(pending)
        existing = ports.archive.put_batch(key, body)
        lines = batch_lines(existing if existing is not None else body)
        if ports.timestamper is not None and (existing is None or not ports.archive.has_token(key)):
            ports.archive.put_token(key, ports.timestamper.timestamp(digest_list(lines)))
        entries = entries_of(pending, key, lines)
        archived = {(e.message_id, seq) for e in entries for seq in e.lines}
        if (pending[0].message_id, pending[0].sequence) not in archived:
            raise ValueError(f"evidence batch {key} does not hold its own first record")
        ports.entries.record(entries)
        pending = [r for r in pending if (r.message_id, r.sequence) not in archived]
        objects += 1
    observability.count(observability.EVIDENCE_WRITTEN, len(records))
    return objects


def archive_proofs(records: list[SignedEvidence], archive: EvidenceArchive,
                   entries: ArchiveEntries) -> dict[int, ArchiveProof]:
    """Where each of a message's records is archived, by sequence (records not archived yet: absent). Reads
    each batch object once (the verifier gets its digest list, never the other messages' records), and for a
    record archived on its own before batches, its object and token."""
    if not records:
        return {}
    located: dict[int, tuple[str, int]] = {}
    for entry in entries.entries(records[0].message_id):
        located.update({seq: (entry.batch_key, line) for seq, line in entry.lines.items()})
    proofs: dict[int, ArchiveProof] = {}
    batches: dict[str, tuple[list[str], bytes | None]] = {}
    for record in records:
        if record.sequence in located:
            key, line = located[record.sequence]
            if key not in batches:
                body = archive.read(key)
                digests = digest_list(batch_lines(body)).decode("ascii").splitlines() if body else []
                batches[key] = (digests, archive.read(f"{key}.tsr"))
            digests, token = batches[key]
            proofs[record.sequence] = ArchiveProof(key, line, digests, token)
            continue
        key = single_record_key(record)
        token = archive.read(f"{key}.tsr")
        if token is not None or archive.exists(key):
            proofs[record.sequence] = ArchiveProof(key, token=token)
    return proofs

