"""A batch's plan: who owns it, its settings, and its manifest lines cut into chunks of work.

The plan is made once, when the archive is dropped: the whole batch is refused (InvalidInput /
InvalidSender) when its key, settings or any line's sender make it unusable; every other fault is the
line's own and is reported on that line by the publishing worker. Each chunk carries the lines' text
and where their documents lie in the archive, never the documents themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ebox.domain.batch_archive import BatchArchive
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput, InvalidSender
from ebox.domain.validity import format_timestamp, parse_timestamp

BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
MAX_LINES_PER_CHUNK = 100
MAX_CHUNK_BYTES = 200 * 1024  # an SQS message holds 256 KiB
MAX_SCHEDULE = timedelta(days=364)  # a Step Functions standard execution lasts at most a year
RESULTS_SUFFIX = ".results.jsonl"
SUMMARY_SUFFIX = ".summary.json"


@dataclass(frozen=True)
class BatchRef:
    """Which batch: the sender organisation owning the prefix and the batch's name."""

    sender: str
    batch_id: str

    @property
    def results_key(self) -> str:
        return f"{self.sender}/{self.batch_id}{RESULTS_SUFFIX}"

    @property
    def summary_key(self) -> str:
        return f"{self.sender}/{self.batch_id}{SUMMARY_SUFFIX}"


def batch_of_key(key: str) -> BatchRef:
    """`<sender enterprise number>/<batchId>.zip` → the batch; anything else is refused."""
    owner, _, rest = key.partition("/")
    if not rest or not rest.endswith(".zip"):
        raise InvalidInput(f"'{key}' is not <enterprise number>/<batchId>.zip")
    try:
        sender = normalise_enterprise_number(owner)
    except InvalidInput:
        raise InvalidInput(f"'{owner}' (the prefix of '{key}') is not an enterprise number") from None
    batch_id = rest.removesuffix(".zip")
    if not BATCH_ID.fullmatch(batch_id):
        raise InvalidInput(f"batch name '{batch_id}' must be 1 to 80 letters, digits, '.', '_' or '-', no folders")
    return BatchRef(sender, batch_id)


@dataclass(frozen=True)
class BatchSettings:
    send_at: str | None = None
    dry_run: bool = False


def settings_from(data: dict[str, Any], *, now: datetime) -> BatchSettings:
    unknown = set(data) - {"sendAt", "dryRun"}
    if unknown:
        raise InvalidInput(f"batch.json: unknown field(s) {', '.join(sorted(unknown))}")
    dry_run = data.get("dryRun", False)
    if not isinstance(dry_run, bool):
        raise InvalidInput("batch.json: dryRun must be true or false")
    send_at = data.get("sendAt")
    if send_at is None:
        return BatchSettings(None, dry_run)
    if not isinstance(send_at, str):
        raise InvalidInput("batch.json: sendAt must be a date-time like 2027-01-31T08:00:00Z")
    moment = parse_timestamp(send_at, field_name="batch.json sendAt")
    if moment - now > MAX_SCHEDULE:
        raise InvalidInput(f"batch.json: sendAt may be at most {MAX_SCHEDULE.days} days ahead")
    return BatchSettings(format_timestamp(moment) if moment > now else None, dry_run)


@dataclass
class PlannedLine:
    number: int
    text: str
    documents: dict[str, list[int]] = field(default_factory=dict)  # name → EntryLocation.to_list()
    duplicate_of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"n": self.number, "text": self.text, "documents": self.documents}
        if self.duplicate_of is not None:
            data["duplicateOf"] = self.duplicate_of
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlannedLine:
        return cls(int(data["n"]), str(data["text"]), dict(data.get("documents") or {}), data.get("duplicateOf"))


def plan_chunks(archive: BatchArchive, owner: str) -> Iterator[list[PlannedLine]]:
    """The manifest's lines in chunks. Raises InvalidSender, for the whole batch, when a line names
    another sender than the prefix's owner; a line that is not JSON is left for its own report."""
    seen: dict[bytes, int] = {}
    chunk: list[PlannedLine] = []
    size = 0
    for number, text in archive.lines():
        line = PlannedLine(number, text)
        data = _json_object(text)
        if data is not None:
            _check_sender(data, owner, number)
            for name in _document_names(data):
                location = archive.location(name)
                if location is not None:
                    line.documents[name] = location.to_list()
        fingerprint = hashlib.sha256(text.encode()).digest()[:16]
        first = seen.get(fingerprint)
        if first is None:
            seen[fingerprint] = number
        else:
            line.duplicate_of = first
        weight = len(text) + 40 * len(line.documents) + 64
        if chunk and (len(chunk) >= MAX_LINES_PER_CHUNK or size + weight > MAX_CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(line)
        size += weight
    if chunk:
        yield chunk


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _check_sender(data: dict[str, Any], owner: str, number: int) -> None:
    sender = data.get("sender")
    named = sender.get("enterpriseNumber") or sender.get("eboxIdValue") if isinstance(sender, dict) \
        else data.get("senderOrganizationId")
    if not isinstance(named, str):
        return  # reported on the line itself: sender.enterpriseNumber is required
    try:
        named = normalise_enterprise_number(named)
    except InvalidInput:
        return
    if named != owner:
        raise InvalidSender(f"manifest line {number} is sent by {named}, but this prefix belongs to {owner}: "
                            "the whole batch is refused")


def _document_names(data: dict[str, Any]) -> list[str]:
    attachments = data.get("attachments")
    if not isinstance(attachments, list):
        return []
    return [a["httpPartName"] for a in attachments if isinstance(a, dict) and isinstance(a.get("httpPartName"), str)]
