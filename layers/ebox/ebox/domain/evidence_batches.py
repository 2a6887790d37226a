"""Evidence archived per batch: the records one stream batch brought, one compact JWS per line of one Object
Lock object, and one RFC 3161 time-stamp token over the batch's **digest list** (each line's SHA-256,
base64url, one per line, in the object's order: the same hash that chains the records).

Stamping the digest list rather than the object's bytes lets a verifier check that a record is in a
time-stamped batch without seeing the other messages' records (their senders, recipients and digests):
it is given its own record's line number and the list, recomputes its line's digest, finds it at that
line, and checks the token against the list. The object holds the records themselves, and the list is a
function of it: whoever holds the object can rebuild and check everything.

Records archived before batches (one object per record, ``evidence/<messageId>/<seq>-<event>.jws``, its
token over the JWS itself beside it as ``.tsr``) stay where they are and verify as they did."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from ebox.domain.encoding import b64url_decode
from ebox.domain.evidence import SignedEvidence, record_hash

BATCH_PREFIX = "evidence/batches/"


def batch_key(first: SignedEvidence) -> str:
    """A batch's object is named after its first record (day of its event, message, sequence): a stream batch
    delivered again starts with the same record, so its retry meets the object its first try wrote."""
    day = str(json.loads(b64url_decode(first.jws.split(".")[1])).get("eventTime", ""))[:10] or "undated"
    return f"{BATCH_PREFIX}{day}/{first.message_id}-{first.sequence:04d}.jwsl"


def single_record_key(record: SignedEvidence) -> str:
    """Where a record archived on its own (before batches) is."""
    return f"evidence/{record.message_id}/{record.sequence:04d}-{record.event.value}.jws"


def batch_body(records: list[SignedEvidence]) -> bytes:
    return "".join(f"{r.jws}\n" for r in records).encode("ascii")


def batch_lines(body: bytes) -> list[str]:
    return body.decode("ascii").splitlines()


def digest_list(lines: list[str]) -> bytes:
    """What a batch's time-stamp token covers: each line's SHA-256 (base64url), one per line."""
    return "".join(f"{record_hash(line)}\n" for line in lines).encode("ascii")


@dataclass(frozen=True)
class ArchiveEntry:
    """Where a message's records of one batch are: the batch object and each record's line (1-based)."""

    message_id: str
    batch_key: str
    lines: dict[int, int] = field(default_factory=dict)  # record sequence → line

    @property
    def first_sequence(self) -> int:
        return min(self.lines)


def entries_of(records: list[SignedEvidence], key: str, lines: list[str]) -> list[ArchiveEntry]:
    """One entry per message among ``records`` whose line is in the batch object ``key`` (of ``lines``)."""
    position = {record_hash(line): n for n, line in enumerate(lines, start=1)}
    by_message: dict[str, dict[int, int]] = {}
    for record in records:
        if record.record_hash in position:
            by_message.setdefault(record.message_id, {})[record.sequence] = position[record.record_hash]
    return [ArchiveEntry(message_id, key, found) for message_id, found in by_message.items()]


@dataclass(frozen=True)
class ArchiveProof:
    """How a verifier finds a record in the archive: a batch object and its line, with the batch's digest
    list (what the token covers), or an object of the record's own (``line`` None: the token covers the JWS)."""

    object_key: str
    line: int | None = None
    digests: list[str] | None = None
    token: bytes | None = None

    def view(self) -> dict[str, Any]:
        view: dict[str, Any] = {"object": self.object_key}
        if self.line is not None:
            view["line"] = self.line
            view["digests"] = self.digests or []
        if self.token is not None:
            view["timeStampToken"] = base64.b64encode(self.token).decode("ascii")
        return view
