"""Bulk imports over HTTP, for the sender of the access token only (scope `…:publicationsender`):

  POST   /bulk/v1/batches/{batchId}/upload   a pre-signed URL to PUT `<sender>/<batchId>.zip` (15 min)
  GET    /bulk/v1/batches/{batchId}          progress while it runs, then the summary
  GET    /bulk/v1/batches/{batchId}/results  a pre-signed URL of the per-line report
  DELETE /bulk/v1/batches/{batchId}          cancels a batch scheduled for later (`sendAt`)
"""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.batch_plan import BatchRef, batch_of_key
from ebox.pipeline.bulk_batches import batch_progress, results_link, upload_slot
from ebox.wiring import services

BATCH = "/bulk/v1/batches/{batchId}"


def register(app: Chalice) -> None:
    """Adds the routes to ``app`` (not a Blueprint: one cannot serve two apps in one process)."""
    route = guarded_routes(app)

    def _batch(batch_id: str) -> BatchRef:
        principal = auth.bearer_principal(request_headers(app.current_request), services(), access.PUBLISH)
        return batch_of_key(f"{principal.organization}/{batch_id}.zip")

    @route(BATCH + "/upload", methods=["POST"])
    def upload_url(batchId: str) -> Response:  # noqa: N803 - the path's parameter name
        return json_response(upload_slot(_batch(batchId), services().bulk.request_ports()), status=201)

    @route(BATCH, methods=["GET"])
    def get_batch(batchId: str) -> Response:  # noqa: N803
        return json_response(batch_progress(_batch(batchId), services().bulk.ledger))

    @route(BATCH + "/results", methods=["GET"])
    def batch_results(batchId: str) -> Response:  # noqa: N803
        return json_response(results_link(_batch(batchId), services().bulk.request_ports()))

    @route(BATCH, methods=["DELETE"])
    def cancel_batch(batchId: str) -> Response:  # noqa: N803
        from ebox.pipeline.bulk_import import cancel

        return json_response(cancel(_batch(batchId), services().bulk.import_ports()))


def endorsed_evidence_keys() -> list[dict[str, str]]:
    """The bulk workers' evidence keys, each with its endorsement by the KMS evidence key."""
    if not services().config.bulk_table:
        return []
    return services().bulk.ledger.evidence_keys()
