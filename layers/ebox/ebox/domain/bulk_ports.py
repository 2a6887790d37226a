"""What bulk imports need from the outside world (the batches' ledger, the dropped files, the chunks' queue and
writes, the executions). Adapters implement these; tests use fakes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Protocol

from ebox.domain.batch_plan import BatchRef
from ebox.domain.batch_report import ChunkCounts
from ebox.domain.evidence import SignedEvidence
from ebox.domain.message import Message
from ebox.domain.ports import IdempotencyClaim, IdempotencyRecord
from ebox.domain.registry import (
    Enterprise,
)


class BatchLedger(Protocol):
    """The runs of dropped batches and their state changes (conditional on the state they expect)."""

    def begin(self, ref: BatchRef, run: str, fields: Mapping[str, Any]) -> bool: ...

    def get(self, ref: BatchRef) -> dict[str, Any] | None: ...

    def move(self, ref: BatchRef, run: str, *, expected: tuple[str, ...], status: str,
             fields: Mapping[str, Any] | None = None) -> bool: ...

    def count_chunk(self, ref: BatchRef, run: str, chunk: int, counts: ChunkCounts) -> dict[str, Any] | None: ...

    def lease_chunk(self, ref: BatchRef, run: str, chunk: int, *, seconds: int) -> ChunkLease | None:
        """Takes the chunk for ``seconds``: None if it was counted already; raises TransientError while another
        delivery of it holds it (SQS delivers it again later)."""
        ...

    def release_chunk(self, ref: BatchRef, run: str, chunk: int, lease: ChunkLease) -> None: ...

    def evidence_keys(self) -> list[dict[str, str]]: ...


@dataclass(frozen=True)
class ChunkLease:
    """A chunk taken by one delivery: when it was first taken (its lines' receipt time, the same for every
    delivery) and which delivery this is (1 for the first)."""

    received: datetime
    attempt: int
    token: str  # whose lease it is: only its holder gives it back


@dataclass(frozen=True)
class Publication:
    """What one line's publication writes: the message, its signed records (the head on the last), its claim."""

    message: Message
    claim: IdempotencyClaim | None
    evidence: list[SignedEvidence]


@dataclass(frozen=True)
class EarlierWrites:
    """What an earlier delivery of a chunk wrote for message ids no claim covers yet."""

    messages: dict[str, Message]  # visible messages, by id
    chains: dict[str, list[SignedEvidence]]  # their evidence records, by message id (the head on the last)


class ChunkWrites(Protocol):
    """A bulk chunk's reads and writes in the messages table, many lines per call (issue 14)."""

    def claimed(self, claims: list[IdempotencyClaim]) -> dict[str, IdempotencyRecord]:
        """The claims already recorded (consistent reads), by key."""
        ...

    def earlier(self, messages: list[tuple[str, str]]) -> EarlierWrites:
        """What is already written for these (e-Box, message id): only asked on a chunk's later deliveries."""
        ...

    def write(self, publications: list[Publication], rejections: list[SignedEvidence], *,
              claims_only: list[Publication], replaced: Mapping[str, int]) -> None:
        """Evidence first, then the messages (which make them visible), then the claims; ``claims_only``
        are messages an earlier delivery made visible; ``replaced``: message id → records an earlier
        delivery left there, deleted beyond what is written now. Raises TransientError if a write failed."""
        ...


class RegisterReads(Protocol):
    def enterprises(self, enterprise_numbers: list[str]) -> dict[str, Enterprise | None]:
        """Many enterprises in one read (BatchGetItem): a bulk chunk's recipients."""
        ...


class BatchFiles(Protocol):
    """A batch's plan, chunk results, report and summary."""

    def save_plan(self, ref: BatchRef, run: str, chunks: Iterable[dict[str, Any]]) -> tuple[int, int]: ...

    def plan(self, ref: BatchRef, run: str) -> Iterator[str]: ...

    def save_chunk_results(self, ref: BatchRef, run: str, chunk: int, results: list[dict[str, Any]]) -> None: ...

    def write_report(self, ref: BatchRef, run: str, chunks: int) -> None: ...

    def save_summary(self, summary_key: str, summary: dict[str, Any]) -> None: ...

    def keep_archive(self, bucket: str, key: str, *, version: str | None, kept_key: str) -> None:
        """Copies the dropped archive into the content bucket, once per run: its documents are served from it."""
        ...


class BatchQueue(Protocol):
    def send(self, bodies: Iterable[str]) -> int:
        """Queues the chunks; answers how many."""
        ...


class ArchiveReader(Protocol):
    """A dropped archive, read by byte ranges (never loaded whole)."""

    def open(self, bucket: str, key: str, *, version: str | None = None) -> tuple[IO[bytes], str]:
        """A seekable file of the object and its ETag; raises InvalidInput when it is gone."""
        ...

    def fetch(self, bucket: str, key: str, start: int, end: int, *, version: str | None = None,
              etag: str | None = None) -> bytes: ...


class Executions(Protocol):
    def stop(self, execution_arn: str, *, cause: str) -> bool:
        """Stops a waiting execution; False when the workflow service could not be told."""
        ...


class PresignedUrls(Protocol):
    expires_in: int

    def download_url(self, key: str) -> str: ...

    def upload_url(self, key: str) -> str: ...
