"""What a batch tells its sender: one result per manifest line, and counts.

A line is `published` (with its `messageId`; `alreadyPublished` when an earlier drop or a retried
chunk published it), `valid` (dry run), or `rejected` with the e-Box `code` and `message`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ebox.domain.errors import EboxError

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
