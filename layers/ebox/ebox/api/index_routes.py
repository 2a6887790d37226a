"""The messages table's index keys, for an operator (docs/operations.md, "Adding indexes to a deployed table"):

  POST /admin/v1/messages/index-backfill  one bounded step of the one-off backfill that gives messages written
                                          before an index existed its keys (ebox admin index-backfill)
"""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.notification_schedule import parse_index_backfill
from ebox.pipeline.scheduled_notifications import backfill_step
from ebox.wiring import services

INDEX_BACKFILL = "/admin/v1/messages/index-backfill"


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route(INDEX_BACKFILL, methods=["POST"])
    def index_backfill() -> Response:
        """One step: call again with the answer's ``resume`` until ``done``."""
        svc = services()
        auth.bearer_principal(request.headers(), svc, access.OPERATOR)
        resume, items = parse_index_backfill(request.json())
        return json_response(backfill_step(svc.due_messages, resume, items))
