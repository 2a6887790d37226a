"""OAuth 2.0 for the API's clients: the client-credentials token endpoint and the keys that verify its
tokens (RFC 6749 §4.4, RFC 7517)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.errors import oauth_error_response
from ebox.api.requests import ANY_BODY, CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain.errors import InvalidClient, InvalidInput, InvalidScope, UnsupportedGrantType
from ebox.wiring import services


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route("/oauth/token", methods=["POST"], content_types=ANY_BODY)
    def token() -> Response:
        try:
            body = auth.issue_token(request.headers(), request.body(), services())
        except (InvalidClient, InvalidScope, UnsupportedGrantType, InvalidInput) as error:
            return oauth_error_response(error)
        return json_response(body, headers={"Cache-Control": "no-store"})

    @route("/oauth/jwks", methods=["GET"])
    def jwks() -> Response:
        return json_response({"keys": [services().token_signer.jwk()]})
