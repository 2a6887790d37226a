"""Asking for a bulk download and following it: the use cases behind the downloads routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.access import EboxReader
from ebox.domain.bulk_ports import PresignedUrls
from ebox.domain.clock import now_timestamp
from ebox.domain.consultation import Consultation
from ebox.domain.downloads import (
    DownloadJob,
    DownloadJobs,
    DownloadQueue,
    DownloadRequest,
    owned_job,
    requester_of,
    select_messages,
    status_view,
)
from ebox.domain.errors import NotFound, TransientError
from ebox.domain.ids import new_message_id


@dataclass(frozen=True)
class DownloadRequestPorts:
    jobs: DownloadJobs
    queue: DownloadQueue
    urls: PresignedUrls


def request_download(reader: EboxReader, consultation: Consultation, wanted: DownloadRequest,
                     ports: DownloadRequestPorts) -> DownloadJob:
    """The job of the messages ``wanted`` that ``reader`` may see, queued (or FAILED if it cannot be)."""
    messages = select_messages(consultation, wanted)
    job = DownloadJob(
        download_id=new_message_id(), enterprise_number=reader.enterprise_number, requester=requester_of(reader),
        partitions=reader.partitions, message_ids=[m.message_id for m in messages],
        created_at=now_timestamp(), total_bytes=sum(m.total_size for m in messages if not m.content_withheld))
    ports.jobs.create(job)
    try:
        ports.queue.enqueue(job)
    except Exception as error:  # whatever the failure, a job that no build will take is FAILED, not QUEUED
        code = error.code if isinstance(error, TransientError) else "INTERNAL_ERROR"
        ports.jobs.fail(job, code=code, message="the job could not be queued", now=now_timestamp())
        raise
    return job


def download_status(reader: EboxReader, download_id: str, ports: DownloadRequestPorts) -> dict[str, Any]:
    """The job's progress, with a pre-signed URL of its package once READY; 404 unless it is the reader's."""
    if not 0 < len(download_id) <= 100:
        raise NotFound(f"no download {download_id[:100]} was asked for by you")
    job = owned_job(ports.jobs.get(reader.enterprise_number, download_id), reader, download_id)
    return status_view(job, ports.urls.download_url)
