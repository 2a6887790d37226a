"""The platform's statistics (docs/statistics.md):

  GET /admin/v1/statistics         a platform operator (scope:ebox:platform:operator): every table
  GET /admin/v1/statistics/sender  a sender (…:publicationsender): its own figures; an operator names
                                   the sender with ?organizationId=<enterprise number>
  POST /admin/v1/statistics/backfill  an operator: advances the rebuild of the message counters from the
                                   messages table by a few bounded pages (ebox admin stats-backfill)
"""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access, clock
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import EboxError, InvalidInput, MissingScope
from ebox.domain.statistics_backfill import parse_backfill
from ebox.domain.statistics_tables import platform_statistics, sender_statistics
from ebox.pipeline.statistics_backfill import advance_backfill
from ebox.wiring import Services, services

STATISTICS = "/admin/v1/statistics"


def _sender_names(svc: Services) -> dict[str, str]:
    """Each sender organisation's short name (French, else any), for the tables."""
    names = {}
    for organization in svc.registry.sender_organizations():
        short = organization.short_name or {}
        names[organization.organization_id] = short.get("fr") or next(iter(short.values()), "")
    return names


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route(STATISTICS, methods=["GET"])
    def statistics() -> Response:
        svc = services()
        auth.bearer_principal(request.headers(), svc, access.OPERATOR)
        return json_response(platform_statistics(svc.statistics, _sender_names(svc), today=clock.today()))

    @route(f"{STATISTICS}/sender", methods=["GET"])
    def own_statistics() -> Response:
        svc = services()
        principal = auth.any_principal(request.headers(), svc)
        asked = request.params().get("organizationId")
        if access.OPERATOR in principal.scopes and asked:
            try:
                organization = normalise_enterprise_number(asked)
            except EboxError:
                raise InvalidInput(f"organizationId {asked!r} is not an enterprise number") from None
        elif access.PUBLISH in principal.scopes:
            organization = principal.organization
        else:
            raise MissingScope(f"this operation needs the scope {access.PUBLISH} (or {access.OPERATOR} with "
                               "?organizationId=)")
        return json_response(sender_statistics(svc.statistics, organization, _sender_names(svc), today=clock.today()))

    @route(f"{STATISTICS}/backfill", methods=["POST"])
    def backfill() -> Response:
        """One step of the backfill: call again until ``done`` (``restart``: a new run from the wipe)."""
        svc = services()
        auth.bearer_principal(request.headers(), svc, access.OPERATOR)
        restart, pages = parse_backfill(request.json())
        progress = advance_backfill(svc.backfill_ports(), restart=restart, pages=pages, now=clock.now_timestamp())
        return json_response(progress.view())
