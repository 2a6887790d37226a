"""The sender's side of the Message Registry: publishing a message (v3, multipart) and asking for the
status of what it published (v2 `searchMessageStatus`)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.publishing import publish_request
from ebox.api.requests import ANY_BODY, CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.message_status import parse_status_queries, statuses
from ebox.wiring import services


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route("/messageRegistry/v3/ebox/messages", methods=["POST"], content_types=ANY_BODY)
    def publish_message() -> Response:
        svc = services()
        principal = auth.bearer_principal(request.headers(), svc, access.PUBLISH)
        result = publish_request(request.headers(), request.body(), principal, svc)
        return json_response(result.to_response(), status=201)

    @route("/messageRegistry/v2/searchMessageStatus", methods=["POST"], content_types=ANY_BODY)
    def search_message_status() -> Response:
        svc = services()
        principal = auth.bearer_principal(request.headers(), svc, access.PUBLISH)
        keys = parse_status_queries(request.json())
        return json_response(statuses(principal.organization, keys, svc.index))
