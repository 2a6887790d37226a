"""Whether the API is up: `GET /health`."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api.routing import guarded_routes, json_response


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route("/health", methods=["GET"])
    def health() -> Response:
        return json_response({"status": "ok"})
