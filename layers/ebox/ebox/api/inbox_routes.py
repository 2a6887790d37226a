"""Routes of issue 4 (first half): hiding messages, partitions and their users and routing rules,
reference data and the digital-only preference. ``register(app)`` adds them to the Chalice app.

Not a Chalice Blueprint: Chalice consumes a Blueprint's route options when it registers it, so one
Blueprint cannot serve a second app in the same process (the local stack restarts in-process)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.readers import consultation, ebox_reader
from ebox.api.requests import json_body, request_body, request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access, preferences
from ebox.domain.consultation import page_request
from ebox.domain.ebox_administration import EboxAdministration
from ebox.domain.errors import MissingScope
from ebox.domain.message_updates import parse_visibility_changes
from ebox.domain.partitions import EboxUser, Partition
from ebox.domain.reference_data import ReferenceData, page_of
from ebox.wiring import services

V3_EBOX = "/messageRegistry/v3/ebox"
REFERENCE = "/messageRegistry/v2/referenceData"
JSON_BODIES = ["application/json", "application/merge-patch+json"]


def _partition_view(partition: Partition) -> dict[str, str]:
    return {"partitionId": partition.partition_id, "name": partition.name}


def _user_view(user: EboxUser) -> dict[str, Any]:
    return {"ssin": user.ssin, "roles": sorted(user.roles), "partitions": sorted(user.partitions)}


def _listing(items: list[Any]) -> Response:
    return json_response({"items": items, "totalItems": len(items)})


def register(app: Chalice) -> None:  # noqa: C901, PLR0915 - one route table, read top to bottom
    route = guarded_routes(app)

    def _headers() -> dict[str, str]:
        return request_headers(app.current_request)

    def _json() -> Any:
        return json_body(request_body(app.current_request))

    def _params() -> dict[str, str]:
        request = app.current_request
        return dict((request.query_params if request else None) or {})

    def _administration() -> EboxAdministration:
        svc = services()
        return EboxAdministration(ebox_reader(_headers(), svc, access.MESSAGES_FULL), svc.registry)

    def _reference() -> ReferenceData:
        svc = services()
        auth.bearer_principal(_headers(), svc, access.REFERENCE_DATA)
        return ReferenceData(svc.registry)

    def _reference_page(items: list[dict[str, Any]]) -> Response:
        params = _params()
        page, size = page_request(params.get("page"), params.get("pageSize"))
        return json_response(page_of(items, page, size))

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

    @route(REFERENCE + "/messageTypes", methods=["GET"])
    def message_types() -> Response:
        return _reference_page(_reference().message_types())

    @route(REFERENCE + "/messageTypes/{messageTypeId}", methods=["GET"])
    def message_type(messageTypeId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        return json_response(_reference().message_type(messageTypeId))

    @route(REFERENCE + "/senderOrganizations", methods=["GET"])
    def sender_organizations() -> Response:
        return _reference_page(_reference().sender_organizations())

    @route(REFERENCE + "/senderOrganizations/{senderOrganizationId}", methods=["GET"])
    def sender_organization(senderOrganizationId: str) -> Response:  # noqa: N803
        return json_response(_reference().sender_organization(senderOrganizationId))

    @route(REFERENCE + "/senderApplications", methods=["GET"])
    def sender_applications() -> Response:
        return _reference_page(_reference().sender_applications())

    @route(REFERENCE + "/senderApplications/{senderApplicationId}", methods=["GET"])
    def sender_application(senderApplicationId: str) -> Response:  # noqa: N803
        return json_response(_reference().sender_application(senderApplicationId))

    @route("/federation/v1/eboxPreferences/search", methods=["POST"], content_types=JSON_BODIES)
    def search_preferences() -> Response:
        """Senders (publication scope) or federation clients (preference scope) ask before printing."""
        svc = services()
        principal = auth.any_principal(_headers(), svc)
        if not principal.scopes & {access.PUBLISH, access.FEDERATION_PREFERENCE}:
            raise MissingScope(f"this operation needs the scope {access.FEDERATION_PREFERENCE} or {access.PUBLISH}")
        numbers = preferences.parse_search(_json())
        return json_response(preferences.search_preferences(numbers, svc.registry, svc.index))

    @route("/federation/v1/eboxPreferences", methods=["PATCH"], content_types=JSON_BODIES)
    def update_preferences() -> Response:
        svc = services()
        reader = ebox_reader(_headers(), svc, access.SUMMARY_OWN_EBOX)
        return json_response(preferences.update_preference(_json(), reader, svc.registry, svc.index))
