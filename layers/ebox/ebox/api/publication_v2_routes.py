"""v2 publication, as the e-Box team documents it (`publishMessage` of the v2.1 swagger): the same
publication use case as v3, read from the v2 field names. ``register(app)`` adds the route."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.publishing import publish_request
from ebox.api.requests import request_body, request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.wiring import services

PUBLISH_MESSAGE_V2 = "/messageRegistry/v2/publishMessage"
# Senders send multipart/form-data; any type is let through so that a wrong one is answered by a
# StatusMessage (INVALID_INPUT) rather than by API Gateway's 415.
ANY_BODY = ["multipart/form-data", "application/json", "application/octet-stream", "text/plain",
            "application/x-www-form-urlencoded"]


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route(PUBLISH_MESSAGE_V2, methods=["POST"], content_types=ANY_BODY)
    def publish_message_v2() -> Response:
        """201 PublicationStatusMessage `{messageId, expirationDate, code?}`, as v3 answers."""
        svc = services()
        headers = request_headers(app.current_request)
        principal = auth.bearer_principal(headers, svc, access.PUBLISH)
        result = publish_request(headers, request_body(app.current_request), principal, svc, wire="v2")
        return json_response(result.to_response(), status=201)
