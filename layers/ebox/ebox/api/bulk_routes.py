"""Bulk imports over HTTP, for the sender of the access token only (scope `…:publicationsender`):

  POST   /bulk/v1/batches/{batchId}/upload   a pre-signed URL to PUT `<sender>/<batchId>.zip` (15 min)
  GET    /bulk/v1/batches/{batchId}          progress while it runs, then the summary
  GET    /bulk/v1/batches/{batchId}/results  a pre-signed URL of the per-line report
  DELETE /bulk/v1/batches/{batchId}          cancels a batch scheduled for later (`sendAt`)
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.batch_plan import BatchRef, batch_of_key
from ebox.domain.batch_report import summary_view
from ebox.domain.errors import BatchInProgress, NotFound
from ebox.wiring import services

BATCH = "/bulk/v1/batches/{batchId}"
UNFINISHED = ("PREPARING", "READY", "SCHEDULED", "RUNNING", "REPORTING")


def _found(ref: BatchRef) -> dict[str, Any]:
    batch = services().bulk.ledger.get(ref)
    if batch is None:
        raise NotFound(f"no batch {ref.batch_id} was dropped by {ref.sender}")
    return batch


def register(app: Chalice) -> None:
    """Adds the routes to ``app`` (not a Blueprint: one cannot serve two apps in one process)."""
    route = guarded_routes(app)

    def _batch(batch_id: str) -> BatchRef:
        request = app.current_request
        headers = {k.lower(): v for k, v in (request.headers.items() if request else [])}
        principal = auth.bearer_principal(headers, services(), access.PUBLISH)
        return batch_of_key(f"{principal.enterprise_number}/{batch_id}.zip")

    @route(BATCH + "/upload", methods=["POST"])
    def upload_url(batchId: str) -> Response:  # noqa: N803 - the path's parameter name
        ref = _batch(batchId)
        bulk = services().bulk
        batch = bulk.ledger.get(ref)
        if batch is not None and batch.get("status") in UNFINISHED:
            raise BatchInProgress(f"batch {batchId} is {batch['status']}: drop it again once it is finished")
        key = f"{ref.sender}/{ref.batch_id}.zip"
        return json_response({"batchId": ref.batch_id, "key": key, "uploadUrl": bulk.urls.upload_url(key),
                              "method": "PUT", "expiresIn": bulk.urls.expires_in}, status=201)

    @route(BATCH, methods=["GET"])
    def batch_progress(batchId: str) -> Response:  # noqa: N803
        return json_response(summary_view(_found(_batch(batchId))))

    @route(BATCH + "/results", methods=["GET"])
    def batch_results(batchId: str) -> Response:  # noqa: N803
        ref = _batch(batchId)
        batch = _found(ref)
        if batch.get("status") != "COMPLETED":
            raise NotFound(f"batch {batchId} has no report yet (status {batch.get('status')})")
        urls = services().bulk.urls
        return json_response({"batchId": ref.batch_id, "resultsUrl": urls.download_url(ref.results_key),
                              "expiresIn": urls.expires_in})

    @route(BATCH, methods=["DELETE"])
    def cancel_batch(batchId: str) -> Response:  # noqa: N803
        from ebox.pipeline.bulk_import import cancel

        return json_response(cancel(_batch(batchId), services().bulk))


def endorsed_evidence_keys() -> list[dict[str, str]]:
    """The bulk workers' evidence keys, each with its endorsement by the KMS evidence key."""
    if not services().config.bulk_table:
        return []
    return services().bulk.ledger.evidence_keys()
