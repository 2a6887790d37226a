"""Evidence archived per stream batch: one object and one token per batch, whatever a retry brings back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pytest
from ebox.domain.encoding import b64url_encode
from ebox.domain.evidence import EvidenceEvent, SignedEvidence, record_hash
from ebox.domain.evidence_batches import ArchiveEntry, batch_lines, digest_list, single_record_key
from ebox.pipeline.evidence_archiving import ArchivingPorts, archive_batch, archive_proofs


def record(message: str, sequence: int) -> SignedEvidence:
    event = EvidenceEvent.SUBMISSION_ACCEPTANCE if sequence == 1 else EvidenceEvent.CONTENT_CONSIGNMENT
    payload = b64url_encode(json.dumps({"evidenceId": f"ev-{message}-{sequence}", "sequence": sequence,
                                        "event": event.value, "eventTime": "2026-11-30T08:00:00Z",
                                        "messageId": message}).encode())
    return SignedEvidence(f"ev-{message}-{sequence}", message, sequence, event, f"eyJhbGciOiJFUzI1NiJ9.{payload}.sig")


class Crash(BaseException):
    """The function dies (after the call it follows)."""


@dataclass
class Bucket:
    objects: dict[str, bytes] = field(default_factory=dict)
    puts: int = 0
    crash_after_put: set[str] = field(default_factory=set)  # key suffixes

    def put_batch(self, key: str, body: bytes) -> bytes | None:
        if key in self.objects:
            return self.objects[key]
        self._put(key, body)
        return None

    def put_token(self, key: str, token: bytes) -> None:
        if f"{key}.tsr" not in self.objects:
            self._put(f"{key}.tsr", token)

    def _put(self, key: str, body: bytes) -> None:
        self.objects[key] = body
        self.puts += 1
        if any(key.endswith(s) for s in self.crash_after_put):
            self.crash_after_put.clear()
            raise Crash

    def has_token(self, key: str) -> bool:
        return f"{key}.tsr" in self.objects

    def read(self, key: str) -> bytes | None:
        return self.objects.get(key)

    def exists(self, key: str) -> bool:
        return key in self.objects


@dataclass
class Entries:
    items: dict[tuple[str, int], ArchiveEntry] = field(default_factory=dict)
    fail_once: bool = False

    def record(self, entries: list[ArchiveEntry]) -> None:
        if self.fail_once:
            self.fail_once = False
            raise Crash
        self.items.update({(e.message_id, e.first_sequence): e for e in entries})

    def entries(self, message_id: str) -> list[ArchiveEntry]:
        return [e for (m, _), e in self.items.items() if m == message_id]


@dataclass
class Tsa:
    stamped: list[bytes] = field(default_factory=list)

    def timestamp(self, data: bytes) -> bytes:
        self.stamped.append(data)
        return b"token:" + hashlib.sha256(data).hexdigest().encode()


def ports(tsa: Tsa | None = None) -> ArchivingPorts:
    return ArchivingPorts(Bucket(), Entries(), tsa)


def retried(batch: list[SignedEvidence], archiving: ArchivingPorts) -> None:
    """Lambda's way with a failed stream batch: the same records again until a try succeeds."""
    for _ in range(3):
        try:
            archive_batch(batch, archiving)
            return
        except Crash:
            continue
    raise AssertionError("never archived")


BATCH = [record("m1", 1), record("m1", 2), record("m2", 1), record("m2", 2), record("m3", 1)]


def test_a_batch_is_one_object_one_token_and_one_entry_per_message():
    tsa = Tsa()
    archiving = ports(tsa)
    assert archive_batch(BATCH, archiving) == 1
    bucket = archiving.archive
    assert isinstance(bucket, Bucket) and bucket.puts == 2
    [key] = [k for k in bucket.objects if not k.endswith(".tsr")]
    assert key == "evidence/batches/2026-11-30/m1-0001.jwsl"
    assert batch_lines(bucket.objects[key]) == [r.jws for r in BATCH]
    assert tsa.stamped == [digest_list([r.jws for r in BATCH])]  # the digest list, not the other records
    entries = archiving.entries.entries("m2")
    assert entries == [ArchiveEntry("m2", key, {1: 3, 2: 4})]


@pytest.mark.parametrize("crash", [".jwsl", ".tsr"])
def test_a_crash_after_a_put_loses_nothing_and_locks_nothing_twice(crash):
    tsa = Tsa()
    archiving = ports(tsa)
    bucket = archiving.archive
    assert isinstance(bucket, Bucket)
    bucket.crash_after_put = {crash}
    retried(BATCH, archiving)
    assert bucket.puts == 2 and len(bucket.objects) == 2
    assert len(tsa.stamped) == 1  # after the object's put, before its token's: stamped by the retry only
    assert {m for m, _ in archiving.entries.items} == {"m1", "m2", "m3"}  # type: ignore[attr-defined]


def test_a_crash_before_the_entries_writes_them_on_the_retry():
    archiving = ports()
    archiving.entries.fail_once = True  # type: ignore[attr-defined]
    retried(BATCH, archiving)
    assert len(archiving.archive.objects) == 1  # type: ignore[attr-defined]
    assert archiving.entries.entries("m3")[0].lines == {1: 5}


def test_a_retry_that_brings_more_records_archives_the_rest_in_a_next_object():
    archiving = ports(Tsa())
    archive_batch(BATCH[:3], archiving)
    assert archive_batch(BATCH, archiving) == 2
    keys = sorted(k for k in archiving.archive.objects if not k.endswith(".tsr"))  # type: ignore[attr-defined]
    assert keys == ["evidence/batches/2026-11-30/m1-0001.jwsl", "evidence/batches/2026-11-30/m2-0002.jwsl"]
    proofs = archive_proofs([record("m2", 1), record("m2", 2)], archiving.archive, archiving.entries)
    assert (proofs[1].object_key, proofs[1].line, proofs[2].object_key, proofs[2].line) == (keys[0], 3, keys[1], 1)


def test_a_record_archived_before_batches_is_found_in_its_own_object():
    archiving = ports()
    old = record("m9", 1)
    bucket = archiving.archive
    assert isinstance(bucket, Bucket)
    bucket.objects[single_record_key(old)] = old.jws.encode()
    bucket.objects[single_record_key(old) + ".tsr"] = b"token"
    proofs = archive_proofs([old, record("m9", 2)], bucket, archiving.entries)
    assert list(proofs) == [1]  # the second is not archived yet
    assert proofs[1].view() == {"object": "evidence/m9/0001-SubmissionAcceptance.jws", "timeStampToken": "dG9rZW4="}


def test_the_proof_carries_digests_only():
    archiving = ports(Tsa())
    archive_batch(BATCH, archiving)
    proof = archive_proofs([record("m3", 1)], archiving.archive, archiving.entries)[1]
    assert proof.line == 5 and proof.digests == [record_hash(r.jws) for r in BATCH]
    assert not any(r.jws in json.dumps(proof.view()) for r in BATCH)


def test_a_bundle_gives_back_the_very_jws_it_was_given():
    from ebox.adapters.evidence_chain import records_of_bundle
    from ebox.adapters.evidence_packing import pack_records, unpack_records

    signed = [record("m1", 1).jws, record("m1", 2).jws]
    padded = signed[0].replace(".sig", ".sig=")  # not canonical base64url: kept as it is
    assert unpack_records(pack_records([*signed, padded])) == [*signed, padded]
    assert [(r.sequence, r.event.value) for r in records_of_bundle("m1", pack_records(signed))] == [
        (1, "SubmissionAcceptance"), (2, "ContentConsignment")]
