"""The e-Box's own administration: hiding messages, and its partitions, their users and the routing rules
that place messages in them (reference data: reference_routes; the digital-only preference:
preference_routes). ``register(app)`` adds them to the Chalice app.

Not a Chalice Blueprint: Chalice consumes a Blueprint's route options when it registers it, so one
Blueprint cannot serve a second app in the same process (the local stack restarts in-process)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response

from ebox.api.readers import consultation, ebox_reader
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.ebox_administration import EboxAdministration
from ebox.domain.message_updates import parse_visibility_changes
from ebox.domain.partitions import EboxUser, Partition
from ebox.wiring import services

V3_EBOX = "/messageRegistry/v3/ebox"
JSON_BODIES = ["application/json", "application/merge-patch+json"]


def _partition_view(partition: Partition) -> dict[str, str]:
    return {"partitionId": partition.partition_id, "name": partition.name}


def _user_view(user: EboxUser) -> dict[str, Any]:
    return {"ssin": user.ssin, "roles": sorted(user.roles), "partitions": sorted(user.partitions)}


def _listing(items: list[Any]) -> Response:
    return json_response({"items": items, "totalItems": len(items)})


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    def _headers() -> dict[str, str]:
        return request.headers()

    def _json() -> Any:
        return request.json()

    def _administration() -> EboxAdministration:
        svc = services()
        return EboxAdministration(ebox_reader(_headers(), svc, access.MESSAGES_FULL), svc.registry)

    @route("/messageRegistry/v2/ebox/messages", methods=["PATCH"], content_types=JSON_BODIES)
    def update_messages() -> Response:
        """Hides or shows messages of the caller's e-Box: all of them, or none when one is not theirs."""
        changes = parse_visibility_changes(_json())
        consultation(_headers(), services(), access.MESSAGES_FULL).set_visibility(changes)
        return _listing([{"messageId": mid, "visible": visible} for mid, visible in changes.items()])

    @route(V3_EBOX + "/partitions", methods=["GET"])
    def list_partitions() -> Response:
        return _listing([_partition_view(p) for p in _administration().partitions()])

    @route(V3_EBOX + "/partitions", methods=["POST"], content_types=JSON_BODIES)
    def save_partition() -> Response:
        return json_response(_partition_view(_administration().save_partition(_json())), status=201)

    @route(V3_EBOX + "/users", methods=["GET"])
    def list_users() -> Response:
        return _listing([_user_view(u) for u in _administration().users()])

    @route(V3_EBOX + "/users/{ssin}", methods=["PUT"], content_types=JSON_BODIES)
    def save_user(ssin: str) -> Response:
        return json_response(_user_view(_administration().save_user(ssin, _json())))

    @route(V3_EBOX + "/routingRules", methods=["GET"])
    def list_routing_rules() -> Response:
        return _listing([r.to_dict() for r in _administration().routing_rules()])

    @route(V3_EBOX + "/routingRules", methods=["PUT"], content_types=JSON_BODIES)
    def save_routing_rules() -> Response:
        return _listing([r.to_dict() for r in _administration().save_routing_rules(_json())])
