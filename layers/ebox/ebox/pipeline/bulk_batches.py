"""A sender's batches over HTTP: where to upload one, how it is going, where its report is (the use
cases behind ebox.api.bulk_routes; cancelling is ebox.pipeline.bulk_import.cancel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.batch_plan import BatchRef
from ebox.domain.batch_report import UNFINISHED, BatchStatus, summary_view
from ebox.domain.bulk_ports import BatchLedger, PresignedUrls
from ebox.domain.errors import BatchInProgress, NotFound


@dataclass(frozen=True)
class BatchRequestPorts:
    ledger: BatchLedger
    urls: PresignedUrls  # of the import bucket


def found_batch(ref: BatchRef, ledger: BatchLedger) -> dict[str, Any]:
    batch = ledger.get(ref)
    if batch is None:
        raise NotFound(f"no batch {ref.batch_id} was dropped by {ref.sender}")
    return batch


def upload_slot(ref: BatchRef, ports: BatchRequestPorts) -> dict[str, Any]:
    """A pre-signed URL to PUT the batch's archive, unless a run of the same batch is under way."""
    batch = ports.ledger.get(ref)
    if batch is not None and batch.get("status") in UNFINISHED:
        raise BatchInProgress(f"batch {ref.batch_id} is {batch['status']}: drop it again once it is finished")
    key = f"{ref.sender}/{ref.batch_id}.zip"
    return {"batchId": ref.batch_id, "key": key, "uploadUrl": ports.urls.upload_url(key), "method": "PUT",
            "expiresIn": ports.urls.expires_in}


def batch_progress(ref: BatchRef, ledger: BatchLedger) -> dict[str, Any]:
    """Progress while the batch runs, then its summary."""
    return summary_view(found_batch(ref, ledger))


def results_link(ref: BatchRef, ports: BatchRequestPorts) -> dict[str, Any]:
    """A pre-signed URL of the per-line report, once the batch is completed."""
    batch = found_batch(ref, ports.ledger)
    if batch.get("status") != BatchStatus.COMPLETED:
        raise NotFound(f"batch {ref.batch_id} has no report yet (status {batch.get('status')})")
    return {"batchId": ref.batch_id, "resultsUrl": ports.urls.download_url(ref.results_key),
            "expiresIn": ports.urls.expires_in}
