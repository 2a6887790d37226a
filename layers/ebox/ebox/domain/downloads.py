"""Bulk download: a set of messages asked for by ids or by the inbox's filter, packaged as one ZIP.

Who may package what is decided here, at the request, through :class:`Consultation`: every id must be a
message the requester may see (one that is not — another e-Box's, a partition the person holds no rights
on, or no message at all — refuses the whole request with 404 NOT_FOUND, and nothing is built); a filter
selects among the messages the requester may see only. The job then re-reads each message through a
Consultation with the same rights (:attr:`DownloadJob.reader`), never by id alone.

Choices (docs/downloads.md): hidden messages are included when asked for by id (hiding
is a view of the inbox, not a deletion) and follow the filter's ``visible`` like the inbox; expired messages
are included while the e-Box still holds them; qualified mail not yet accepted is packaged with its
metadata and evidence but without its documents (``contentWithheld``), as the API withholds them; a
download does not mark anything read (it records no ContentHandover)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from ebox.domain.access import EboxReader
from ebox.domain.consultation import MAX_PAGE_SIZE, Consultation
from ebox.domain.errors import DownloadTooLarge, InvalidInput, NotFound
from ebox.domain.message import Message
from ebox.domain.message_filter import parse_filter

MAX_MESSAGES = 500
MAX_DOCUMENT_BYTES = 4 * 1024**3  # the documents of one package, before compression
PACKAGE_DAYS = 7  # the downloads bucket's lifecycle rule removes packages after this many days
URL_SECONDS = 3600
# The inbox's query parameters (ebox.domain.message_filter.parse_filter reads exactly these; a test checks).
FILTER_NAMES = ("receivedBefore", "receivedAfter", "expiredBefore", "expiredAfter", "readStatus", "visible",
                "messageTypeId", "senderOrganizationId", "senderApplicationId", "registeredMail", "q", "qlang",
                "partition", "forAction", "overdue", "originalMessageId")


class JobStatus(StrEnum):
    """A download job's life: QUEUED → RUNNING → READY or FAILED (a redelivered job runs again)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    READY = "READY"
    FAILED = "FAILED"


QUEUED, RUNNING, READY, FAILED = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.READY, JobStatus.FAILED
# The states each change may start from: the rules the jobs' store applies as conditions.
MAY_START = (QUEUED, RUNNING)  # RUNNING again: a redelivered job starts over
MAY_FINISH = (RUNNING,)
MAY_FAIL = (QUEUED, RUNNING)  # never a READY job: a package once ready is not taken back


def requester_of(reader: EboxReader) -> str:
    """Whose job it is: the enterprise's own client, or one person of it (their SSIN)."""
    return f"PERSON#{reader.ssin}" if reader.ssin else "ENTERPRISE"


@dataclass(frozen=True)
class DownloadRequest:
    message_ids: tuple[str, ...] = ()
    filter_params: Mapping[str, str] | None = None


def parse_download_request(body: object) -> DownloadRequest:
    """`{"messageIds": [...]}` or `{"filter": {<the inbox's query parameters>}}`, one of them."""
    if not isinstance(body, dict) or len(body.keys() & {"messageIds", "filter"}) != 1 or len(body) != 1:
        raise InvalidInput('the body is {"messageIds": ["…", …]} or {"filter": {"readStatus": "false", …}}')
    if "messageIds" in body:
        ids = body["messageIds"]
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and 0 < len(i) <= 100 for i in ids):
            raise InvalidInput("messageIds is a list of 1 or more message ids")
        if len(set(ids)) != len(ids):
            raise InvalidInput("messageIds lists a message twice")
        if len(ids) > MAX_MESSAGES:
            raise DownloadTooLarge(f"a download holds at most {MAX_MESSAGES} messages; {len(ids)} were asked for")
        return DownloadRequest(message_ids=tuple(ids))
    wanted = body["filter"]
    if not isinstance(wanted, dict) or not all(isinstance(v, str | bool) for v in wanted.values()):
        raise InvalidInput("filter is an object of the inbox's query parameters, e.g. {\"readStatus\": \"false\"}")
    unknown = sorted(set(wanted) - set(FILTER_NAMES))
    if unknown:
        raise InvalidInput(f"filter does not know {', '.join(unknown)}; it takes {', '.join(FILTER_NAMES)}")
    return DownloadRequest(filter_params={k: str(v).lower() if isinstance(v, bool) else v for k, v in wanted.items()})


def select_messages(consultation: Consultation, request: DownloadRequest) -> list[Message]:
    """The messages to package, each one the requester may see; refused whole when one id is not."""
    if request.message_ids:
        messages = [consultation.message(message_id) for message_id in request.message_ids]
    else:
        wanted = parse_filter(request.filter_params or {})
        first = consultation.messages(1, MAX_PAGE_SIZE, wanted)
        if first.total_items > MAX_MESSAGES:
            raise DownloadTooLarge(f"the filter selects {first.total_items} messages; a download holds at most "
                                   f"{MAX_MESSAGES}: narrow it (receivedAfter, receivedBefore, partition…)")
        messages = list(first.items)
        page = 2
        while len(messages) < first.total_items:
            items = consultation.messages(page, MAX_PAGE_SIZE, wanted).items
            if not items:
                break
            messages.extend(items)
            page += 1
        if not messages:
            raise InvalidInput("no message matches the filter: there is nothing to download")
    size = sum(m.total_size for m in messages if not m.content_withheld)
    if size > MAX_DOCUMENT_BYTES:
        raise DownloadTooLarge(f"the documents of these messages weigh {size} bytes; a download holds at most "
                               f"{MAX_DOCUMENT_BYTES} bytes: ask for fewer messages")
    return messages


@dataclass
class DownloadJob:
    download_id: str
    enterprise_number: str
    requester: str
    partitions: frozenset[str] | None
    message_ids: list[str]
    created_at: str
    status: str = QUEUED
    total_bytes: int = 0
    messages_done: int = 0
    bytes_done: int = 0
    started_at: str | None = None
    completed_at: str | None = None
    package_key: str | None = None
    package_size: int | None = None
    package_sha256: str | None = None
    code: str | None = None
    message: str | None = None

    @property
    def reader(self) -> EboxReader:
        return EboxReader(self.enterprise_number, self.partitions)


def owned_job(job: DownloadJob | None, reader: EboxReader, download_id: str) -> DownloadJob:
    """The job if it is this requester's; another enterprise's or another person's answers like none."""
    if job is None or job.enterprise_number != reader.enterprise_number or job.requester != requester_of(reader):
        raise NotFound(f"no download {download_id} was asked for by you")
    return job


def status_view(job: DownloadJob, presign: Callable[[str], str] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "downloadId": job.download_id, "status": job.status, "createdAt": job.created_at,
        "totalMessages": len(job.message_ids), "messagesDone": job.messages_done,
        "totalBytes": job.total_bytes, "bytesDone": job.bytes_done,
    }
    optional = {"startedAt": job.started_at, "completedAt": job.completed_at, "packageSize": job.package_size,
                "packageSha256": job.package_sha256, "code": job.code, "message": job.message}
    view.update({k: v for k, v in optional.items() if v is not None})
    if job.status == READY and job.package_key and presign is not None:
        view["downloadUrl"] = presign(job.package_key)
        view["expiresIn"] = URL_SECONDS
    return view


class DownloadJobs(Protocol):
    """Bulk-download jobs; every state change is conditional on the state it expects."""

    def create(self, job: DownloadJob) -> None: ...

    def get(self, enterprise_number: str, download_id: str) -> DownloadJob | None: ...

    def start(self, job: DownloadJob, now: str) -> bool: ...

    def progress(self, job: DownloadJob, messages_done: int, bytes_done: int) -> None: ...

    def finish(self, job: DownloadJob, *, key: str, size: int, sha256: str, now: str) -> bool: ...

    def fail(self, job: DownloadJob, *, code: str, message: str, now: str) -> bool: ...


class DownloadQueue(Protocol):
    def enqueue(self, job: DownloadJob) -> None: ...
