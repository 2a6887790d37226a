"""`GET /messageRegistry/v3/sentMessages`: what the sender of the access token published, newest first,
with each message's status (read, accepted or refused, action done), filtered by status and receipt date;
`GET /messageRegistry/v3/sentMessages/{messageId}`: one of them. The publication scope only, and the
token's organisation only: the same rule as `searchMessageStatus`."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.sent_messages import parse_sent_query, sent_message, sent_messages
from ebox.wiring import services

SENT_MESSAGES = "/messageRegistry/v3/sentMessages"


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route(SENT_MESSAGES, methods=["GET"])
    def list_sent_messages() -> Response:
        svc = services()
        principal = auth.bearer_principal(request.headers(), svc, access.PUBLISH)
        return json_response(sent_messages(principal.organization, parse_sent_query(request.params()), svc.index))

    @route(SENT_MESSAGES + "/{messageId}", methods=["GET"])
    def get_sent_message(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        svc = services()
        principal = auth.bearer_principal(request.headers(), svc, access.PUBLISH)
        return json_response(sent_message(principal.organization, messageId, svc.index))
