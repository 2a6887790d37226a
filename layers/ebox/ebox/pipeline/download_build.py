"""A bulk-download job, from its queue message to a READY package (or a FAILED job with its reason).

The job re-reads every message through a Consultation holding the requester's rights (the partitions they
had when they asked), streams the package to S3 (ebox.adapters.package_store) and records progress after
each message. A transient failure (S3, DynamoDB) leaves the job to SQS, which delivers it again: the build
starts over (a new multipart upload; the abandoned one is aborted, or expired by the bucket's lifecycle
rule). After MAX_ATTEMPTS deliveries, or for a failure a retry cannot cure, the job is FAILED."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ebox.domain.access import EboxReader
from ebox.domain.clock import now_timestamp
from ebox.domain.consultation import Consultation
from ebox.domain.download_package import DocumentReader, PackageWriter, package_members
from ebox.domain.downloads import DownloadJob, DownloadJobs
from ebox.domain.errors import ContentIntegrityError, DependencyRefused, EboxError, TransientError
from ebox.domain.evidence_access import recipient_evidence_views
from ebox.domain.message_views import message_view
from ebox.domain.ports import EvidenceLog
from ebox.domain.validity import parse_timestamp

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


_now = now_timestamp


@dataclass(frozen=True)
class DownloadBuildPorts:
    jobs: DownloadJobs
    documents: DocumentReader
    evidence: EvidenceLog
    new_package: Callable[[DownloadJob], PackageWriter]  # a new build (its own object) of the job's package
    consultation: Callable[[EboxReader], Consultation]


def build_download(body: str, ports: DownloadBuildPorts, *, attempt: int = 1) -> str:
    """Builds the job named by a queue message; answers its final status (or why it was skipped)."""
    request = json.loads(body)
    jobs = ports.jobs
    job = jobs.get(request["enterpriseNumber"], request["downloadId"])
    if job is None or not jobs.start(job, _now()):
        return f"download {request['downloadId']}: nothing to do"
    writer = ports.new_package(job)
    evidence = ports.evidence
    members = package_members(
        job, ports.consultation(job.reader), ports.documents,
        evidences_of=lambda message_id: recipient_evidence_views(evidence.evidence(message_id)),
        message_view=message_view,
        on_message_done=lambda count, size: jobs.progress(job, count, size), now=_now)
    try:
        writer.write_package(members, parse_timestamp(job.created_at, field_name="createdAt"))
    except TransientError as error:
        if attempt < MAX_ATTEMPTS:
            raise
        jobs.fail(job, code=error.code, message=f"the package could not be built: {error.message}", now=_now())
        return f"download {job.download_id}: FAILED after {attempt} attempts"
    except EboxError as error:
        jobs.fail(job, code=error.code, message=error.message, now=_now())
        return f"download {job.download_id}: FAILED ({error.code})"
    except ContentIntegrityError as error:
        logger.error("download %s: %s", job.download_id, error)
        jobs.fail(job, code="INTERNAL_ERROR", message="a stored document failed its digest check; the incident is "
                  "logged", now=_now())
        return f"download {job.download_id}: FAILED (integrity)"
    except DependencyRefused as error:  # no retry cures it: the operator is told by the log, the requester by FAILED
        logger.error("download %s: %s", job.download_id, error, exc_info=error)
        jobs.fail(job, code="INTERNAL_ERROR", message="the package could not be built; the incident is logged",
                  now=_now())
        return f"download {job.download_id}: FAILED (refused by a service)"
    if not jobs.finish(job, key=writer.key, size=writer.size, sha256=writer.sha256, now=_now()):
        return f"download {job.download_id}: another delivery finished it first"
    return f"download {job.download_id}: READY, {writer.size} bytes"
