"""What a batch tells its sender: one result per manifest line, and counts.

A line is `published` (with its `messageId`; `alreadyPublished` when an earlier drop or a retried
chunk published it), `valid` (dry run), or `rejected` with the e-Box `code` and `message`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ebox.domain.errors import EboxError


class BatchStatus(StrEnum):
    """Where a run of a dropped batch is: PREPARING → READY | SCHEDULED → RUNNING → REPORTING → COMPLETED,
    or REFUSED (unusable) or CANCELLED (before its `sendAt`)."""

    PREPARING = "PREPARING"
    READY = "READY"
    SCHEDULED = "SCHEDULED"
    RUNNING = "RUNNING"
    REPORTING = "REPORTING"
    COMPLETED = "COMPLETED"
    REFUSED = "REFUSED"
    CANCELLED = "CANCELLED"


FINISHED = (BatchStatus.COMPLETED, BatchStatus.REFUSED, BatchStatus.CANCELLED)
UNFINISHED = tuple(status for status in BatchStatus if status not in FINISHED)
PUBLISHED = "published"
VALID = "valid"
REJECTED = "rejected"


def published(number: int, response: dict[str, str], *, again: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {"line": number, "status": PUBLISHED, **response}
    if again:
        result["alreadyPublished"] = True
    return result


def valid(number: int) -> dict[str, Any]:
    return {"line": number, "status": VALID}


def rejected(number: int, error: EboxError, evidence_id: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"line": number, "status": REJECTED, "code": error.code, "message": error.message}
    if evidence_id:
        result["evidenceId"] = evidence_id
    return result


@dataclass
class ChunkCounts:
    accepted: int = 0
    already_published: int = 0
    rejected: int = 0
    by_code: Counter[str] = field(default_factory=Counter)

    @property
    def processed(self) -> int:
        return self.accepted + self.rejected

    @classmethod
    def of(cls, results: list[dict[str, Any]]) -> ChunkCounts:
        counts = cls()
        for result in results:
            if result["status"] == REJECTED:
                counts.rejected += 1
                counts.by_code[result["code"]] += 1
            else:
                counts.accepted += 1
                counts.already_published += bool(result.get("alreadyPublished"))
        return counts


def summary_view(batch: dict[str, Any]) -> dict[str, Any]:
    """The batch as the sender sees it (API, summary file, completion event)."""
    keys = ("batchId", "sender", "status", "dryRun", "sendAt", "totalLines", "processed", "accepted",
            "alreadyPublished", "rejected", "rejectedByCode", "receivedAt", "startedAt", "completedAt",
            "durationSeconds", "code", "message", "results", "etag", "run")
    return {k: batch[k] for k in keys if batch.get(k) is not None}
