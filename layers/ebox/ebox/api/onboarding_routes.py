"""Sender onboarding (docs/onboarding.md): the terms of use, an institution's request to become a
sender, and the platform operator's review, suspensions and registry imports. ``register(app)`` adds
the routes; the operator's need the scope ``scope:ebox:platform:operator``."""

from __future__ import annotations

import secrets

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.clock import now_timestamp
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput
from ebox.domain.onboarding import STATUSES, parse_approval, parse_reason
from ebox.domain.terms_of_use import current_terms
from ebox.pipeline import onboarding
from ebox.registry_import import import_registry
from ebox.wiring import services

ADMIN = "/admin/v1"
REQUESTS = ADMIN + "/sender-requests"
SENDERS = ADMIN + "/senders/{organizationId}"


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    current = CurrentRequest(app)

    def _operator() -> str:
        return auth.bearer_principal(current.headers(), services(), access.OPERATOR).client_id

    @route(ADMIN + "/terms", methods=["GET"])
    def terms_of_use() -> Response:
        """The terms of use a request accepts (anyone may read them)."""
        return json_response(current_terms().view())

    @route(REQUESTS, methods=["POST"], content_types=["application/json"])
    def submit_request() -> Response:
        """An institution asks to become a sender; no token: nothing happens until an operator approves."""
        request = onboarding.submit_request(current.json(), services().senders.onboarding_ports(),
                                            request_id=secrets.token_hex(8), now=now_timestamp())
        return json_response(request.to_dict(), status=201)

    @route(REQUESTS, methods=["GET"])
    def list_requests() -> Response:
        _operator()
        status = current.params().get("status")
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"status is one of {', '.join(STATUSES)}")
        items = [r.to_dict() for r in services().senders.requests.listed(status)]
        return json_response({"items": items, "totalItems": len(items)})

    @route(REQUESTS + "/{requestId}", methods=["GET"])
    def get_request(requestId: str) -> Response:  # noqa: N803 - the API's parameter name
        _operator()
        return json_response(onboarding.found_request(requestId, services().senders.requests).to_dict())

    @route(REQUESTS + "/{requestId}/approve", methods=["POST"])
    def approve(requestId: str) -> Response:  # noqa: N803
        """Creates the trio(s), the message types and an OAuth client whose secret is shown only here, or, with
        ``{"externalClientId": …}``, accepts the tokens the senders' external IdP issues to that client."""
        operator = _operator()
        svc = services()
        approval = onboarding.approve_request(requestId, svc.senders.onboarding_ports(), operator=operator,
                                              now=now_timestamp(), external_client_id=parse_approval(current.json()),
                                              external_issuer=svc.config.sender_idp_issuer or None)
        return json_response(approval.view(), headers={"Cache-Control": "no-store"})

    @route(REQUESTS + "/{requestId}/refuse", methods=["POST"], content_types=["application/json"])
    def refuse(requestId: str) -> Response:  # noqa: N803
        operator = _operator()
        decided = onboarding.refuse_request(requestId, parse_reason(current.json()),
                                            services().senders.onboarding_ports(), operator=operator,
                                            now=now_timestamp())
        return json_response(decided.to_dict())

    @route(SENDERS + "/suspend", methods=["POST"], content_types=["application/json"])
    def suspend(organizationId: str) -> Response:  # noqa: N803
        operator = _operator()
        return json_response(onboarding.suspend_sender(
            normalise_enterprise_number(organizationId), parse_reason(current.json()),
            services().senders.onboarding_ports(), operator=operator, now=now_timestamp()))

    @route(SENDERS + "/reinstate", methods=["POST"])
    def reinstate(organizationId: str) -> Response:  # noqa: N803
        _operator()
        return json_response(onboarding.reinstate_sender(normalise_enterprise_number(organizationId),
                                                         services().senders.onboarding_ports()))

    @route(ADMIN + "/registry/import", methods=["POST"], content_types=["application/json"])
    def import_file() -> Response:
        """A registry extract (the demo data's JSON shape; `ebox admin import` also reads CSV): migrations."""
        _operator()
        data = current.json()
        if not isinstance(data, dict):
            raise InvalidInput("a registry import is a JSON object (messageTypes, senderOrganizations, ...)")
        try:
            counts = import_registry(data, services().registry)
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"the registry file is not valid: {error!r}") from None
        return json_response({"imported": counts})
