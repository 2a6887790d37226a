"""Sender onboarding (docs/onboarding.md): the terms of use, an institution's request to become a
sender, and the platform operator's review, suspensions and registry imports. ``register(app)`` adds
the routes; the operator's need the scope ``scope:ebox:platform:operator``. What writes the sender registry (an
approval, a suspension, an import) runs in the sender registry function, asked synchronously (decision
0014): the API's role cannot write those items."""

from __future__ import annotations

import secrets

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.clock import now, now_timestamp
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput
from ebox.domain.onboarding import RequestStatus, parse_approval, parse_reason
from ebox.domain.rate_limits import RateLimit, check_rate
from ebox.domain.terms_of_use import current_terms
from ebox.pipeline import onboarding
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
        """An institution asks to become a sender; no token: nothing happens until an operator approves.
        Rate-limited per source address (before the body is read) and per organisation (429)."""
        svc = services()
        count, window = svc.config.onboarding_rate
        check_rate(RateLimit("onboarding-by-address", count, window), current.source_address(), svc.rate_counters,
                   now=now())

        def admitted(organization_id: str) -> None:
            check_rate(RateLimit("onboarding-by-organisation", count, window), organization_id, svc.rate_counters,
                       now=now())

        request = onboarding.submit_request(current.json(), svc.senders.onboarding_ports(),
                                            request_id=secrets.token_hex(8), now=now_timestamp(), admitted=admitted)
        return json_response(request.to_dict(), status=201)

    @route(REQUESTS, methods=["GET"])
    def list_requests() -> Response:
        _operator()
        status = current.params().get("status")
        if status is not None and status not in tuple(RequestStatus):
            raise InvalidInput(f"status is one of {', '.join(RequestStatus)}")
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
        approval = svc.senders.commands.run({"command": "approve", "requestId": requestId, "operator": operator,
                                             "now": now_timestamp(), "externalClientId": parse_approval(current.json()),
                                             "externalIssuer": svc.config.sender_idp_issuer or None})
        return json_response(approval, headers={"Cache-Control": "no-store"})

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
        return json_response(services().senders.commands.run({
            "command": "suspend", "organizationId": normalise_enterprise_number(organizationId),
            "reason": parse_reason(current.json()), "operator": operator, "now": now_timestamp()}))

    @route(SENDERS + "/reinstate", methods=["POST"])
    def reinstate(organizationId: str) -> Response:  # noqa: N803
        _operator()
        return json_response(services().senders.commands.run({
            "command": "reinstate", "organizationId": normalise_enterprise_number(organizationId)}))

    @route(ADMIN + "/registry/import", methods=["POST"], content_types=["application/json"])
    def import_file() -> Response:
        """A registry extract (the demo data's JSON shape; `ebox admin import` also reads CSV): migrations."""
        _operator()
        data = current.json()
        if not isinstance(data, dict):
            raise InvalidInput("a registry import is a JSON object (messageTypes, senderOrganizations, ...)")
        return json_response(services().senders.commands.run({"command": "import", "data": data}))
