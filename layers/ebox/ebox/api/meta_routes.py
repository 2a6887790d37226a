"""The API describing itself: `GET /openapi.json` (ebox.api.openapi). ``register(app)`` adds it."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api.openapi import openapi_document
from ebox.api.routing import guarded_routes, json_response


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route("/openapi.json", methods=["GET"])
    def openapi() -> Response:
        return json_response(openapi_document(), headers={"Cache-Control": "max-age=300"})
