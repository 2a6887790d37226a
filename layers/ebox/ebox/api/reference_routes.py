"""Reference data of the Message Registry v2 (`…:referencedata` scope): message types, sender
organisations and applications, each as a page or one by its id."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.consultation import page_request
from ebox.domain.reference_data import ReferenceData, page_of
from ebox.wiring import services

REFERENCE = "/messageRegistry/v2/referenceData"


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    def reference() -> ReferenceData:
        svc = services()
        auth.bearer_principal(request.headers(), svc, access.REFERENCE_DATA)
        return ReferenceData(svc.registry)

    def paged(items: list[dict[str, Any]]) -> Response:
        params = request.params()
        page, size = page_request(params.get("page"), params.get("pageSize"))
        return json_response(page_of(items, page, size))

    @route(REFERENCE + "/messageTypes", methods=["GET"])
    def message_types() -> Response:
        return paged(reference().message_types())

    @route(REFERENCE + "/messageTypes/{messageTypeId}", methods=["GET"])
    def message_type(messageTypeId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        return json_response(reference().message_type(messageTypeId))

    @route(REFERENCE + "/senderOrganizations", methods=["GET"])
    def sender_organizations() -> Response:
        return paged(reference().sender_organizations())

    @route(REFERENCE + "/senderOrganizations/{senderOrganizationId}", methods=["GET"])
    def sender_organization(senderOrganizationId: str) -> Response:  # noqa: N803
        return json_response(reference().sender_organization(senderOrganizationId))

    @route(REFERENCE + "/senderApplications", methods=["GET"])
    def sender_applications() -> Response:
        return paged(reference().sender_applications())

    @route(REFERENCE + "/senderApplications/{senderApplicationId}", methods=["GET"])
    def sender_application(senderApplicationId: str) -> Response:  # noqa: N803
        return json_response(reference().sender_application(senderApplicationId))
