"""A bulk-download job, from its queue message to a READY package (or a FAILED job with its reason).

The job re-reads every message through a Consultation holding the requester's rights (the partitions they
had when they asked), streams the package to S3 (ebox.adapters.package_store) and records progress after
each message. A transient failure (S3, DynamoDB) leaves the job to SQS, which delivers it again: the build
starts over (a new multipart upload; the abandoned one is aborted, or expired by the bucket's lifecycle
rule). After MAX_ATTEMPTS deliveries, or for a failure a retry cannot cure, the job is FAILED."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

from ebox.adapters.package_store import package_key, zipped
from ebox.api.views import message_view
from ebox.domain.consultation import ContentIntegrityError
from ebox.domain.download_package import package_members
from ebox.domain.errors import EboxError, TransientError
from ebox.domain.evidence_access import evidence_view
from ebox.domain.validity import format_timestamp, parse_timestamp
from ebox.download_wiring import DownloadServices

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def _now() -> str:
    return format_timestamp(datetime.now(UTC))


def build_download(body: str, downloads: DownloadServices, *, attempt: int = 1) -> str:
    """Builds the job named by a queue message; answers its final status (or why it was skipped)."""
    request = json.loads(body)
    jobs = downloads.jobs
    job = jobs.get(request["enterpriseNumber"], request["downloadId"])
    if job is None or not jobs.start(job, _now()):
        return f"download {request['downloadId']}: nothing to do"
    key = package_key(job.enterprise_number, job.download_id, secrets.token_hex(4))
    writer = downloads.writer(key)
    consultation = downloads.consultation(job.reader)
    index = downloads.base.index
    members = package_members(
        job, consultation, downloads.documents,
        evidences_of=lambda message_id: [evidence_view(r) for r in index.evidence(message_id)],
        message_view=message_view,
        on_message_done=lambda count, size: jobs.progress(job, count, size), now=_now)
    try:
        writer.write_all(zipped(members, modified_at=parse_timestamp(job.created_at, field_name="createdAt")))
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
    if not jobs.finish(job, key=key, size=writer.size, sha256=writer.sha256, now=_now()):
        return f"download {job.download_id}: another delivery finished it first"
    return f"download {job.download_id}: READY, {writer.size} bytes"
