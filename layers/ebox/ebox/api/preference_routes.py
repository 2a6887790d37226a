"""The federation's e-Box preferences: senders (publication scope) or federation clients (preference
scope) ask before printing whether an enterprise reads its e-Box only; the enterprise sets it."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.readers import ebox_reader
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access, preferences
from ebox.domain.errors import MissingScope
from ebox.wiring import services

JSON_BODIES = ["application/json", "application/merge-patch+json"]


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route("/federation/v1/eboxPreferences/search", methods=["POST"], content_types=JSON_BODIES)
    def search_preferences() -> Response:
        svc = services()
        principal = auth.any_principal(request.headers(), svc)
        if not principal.scopes & {access.PUBLISH, access.FEDERATION_PREFERENCE}:
            raise MissingScope(f"this operation needs the scope {access.FEDERATION_PREFERENCE} or {access.PUBLISH}")
        numbers = preferences.parse_search(request.json())
        return json_response(preferences.search_preferences(numbers, svc.registry, svc.index))

    @route("/federation/v1/eboxPreferences", methods=["PATCH"], content_types=JSON_BODIES)
    def update_preferences() -> Response:
        svc = services()
        reader = ebox_reader(request.headers(), svc, access.SUMMARY_OWN_EBOX)
        return json_response(preferences.update_preference(request.json(), reader, svc.registry, svc.index,
                                                                  svc.events))
