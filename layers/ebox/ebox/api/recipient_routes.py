"""`GET /messageRegistry/v3/recipients/{enterpriseNumber}`: a sender (publication scope) looks a
recipient up before publishing: its name in the register and whether its e-Box is open."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.recipient_lookup import find_recipient
from ebox.wiring import services

RECIPIENT = "/messageRegistry/v3/recipients/{enterpriseNumber}"


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route(RECIPIENT, methods=["GET"])
    def get_recipient(enterpriseNumber: str) -> Response:  # noqa: N803 - the path parameter's name
        svc = services()
        auth.bearer_principal(request_headers(app.current_request), svc, access.PUBLISH)
        return json_response(find_recipient(enterpriseNumber, svc.registry))
