"""Notification preferences of the people of an e-Box: ``…/users/me/notificationPreferences`` for one's
own, ``…/users/{ssin}/notificationPreferences`` for an administrator reading someone else's.
``register(app)`` adds them to the Chalice app (see inbox_routes for why not a Blueprint)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api.readers import ebox_reader
from ebox.api.requests import json_body, request_body
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.notification_preferences import NotificationSettings
from ebox.wiring import services

PREFERENCES = "/messageRegistry/v3/ebox/users/{ssin}/notificationPreferences"
JSON_BODIES = ["application/json", "application/merge-patch+json"]


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    def _settings() -> NotificationSettings:
        request = app.current_request
        assert request is not None, "only called while a request is handled"
        svc = services()
        headers = {k.lower(): v for k, v in request.headers.items()}
        return NotificationSettings(ebox_reader(headers, svc, access.MESSAGES_FULL), svc.notification_preferences,
                                    svc.registry)

    def _json() -> object:
        return json_body(request_body(app.current_request))

    @route(PREFERENCES, methods=["GET"])
    def get_notification_preferences(ssin: str) -> Response:
        return json_response(_settings().get(ssin).to_dict())

    @route(PREFERENCES, methods=["PUT"], content_types=JSON_BODIES)
    def save_notification_preferences(ssin: str) -> Response:
        settings = _settings()
        return json_response(settings.save(ssin, _json()).to_dict())

    @route(PREFERENCES, methods=["DELETE"])
    def delete_notification_preferences(ssin: str) -> Response:
        _settings().delete(ssin)
        return Response(body="", status_code=204)
