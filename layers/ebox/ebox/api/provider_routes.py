"""Federation message providers and citizens' consents to them (see ebox.domain.providers).
``register(app)`` adds the routes."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain.access import Principal
from ebox.domain.errors import MissingScope
from ebox.domain.providers import Consent, known_provider
from ebox.domain.validity import format_timestamp
from ebox.wiring import services

PROVIDERS = "/federation/v1/messageProviders"
CONSENTS = "/messageRegistry/v3/ebox/providerConsents"


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    def _caller() -> Principal:
        return auth.any_principal(request_headers(app.current_request), services())

    def _citizen() -> Principal:
        """Only the citizen themself grants or revokes consent: never a provider, nor an enterprise."""
        principal = _caller()
        if not principal.is_citizen or principal.ssin is None or principal.provider_id is not None:
            raise MissingScope("only a citizen, with their own token, grants or revokes a provider's access")
        return principal

    @route(PROVIDERS, methods=["GET"])
    def message_providers() -> Response:
        _caller()
        return json_response([p.view() for p in sorted(services().registry.message_providers(),
                                                         key=lambda p: p.provider_id)])

    @route(PROVIDERS + "/{messageProviderId}", methods=["GET"])
    def message_provider(messageProviderId: str) -> Response:  # noqa: N803 - the federation API's name
        _caller()
        return json_response(known_provider(services().registry, messageProviderId).view())

    @route(CONSENTS, methods=["GET"])
    def list_consents() -> Response:
        ssin = _citizen().ssin
        assert ssin is not None
        items = [c.view() for c in services().registry.consents(ssin)]
        return json_response({"items": items, "totalItems": len(items)})

    @route(CONSENTS + "/{messageProviderId}", methods=["PUT"])
    def grant_consent(messageProviderId: str) -> Response:  # noqa: N803
        ssin, registry = _citizen().ssin, services().registry
        assert ssin is not None
        known_provider(registry, messageProviderId)
        consent = registry.consent(ssin, messageProviderId) or Consent(
            ssin, messageProviderId, format_timestamp(datetime.now(UTC)))
        registry.save_consent(consent)
        return json_response(consent.view())

    @route(CONSENTS + "/{messageProviderId}", methods=["DELETE"])
    def revoke_consent(messageProviderId: str) -> Response:  # noqa: N803
        ssin = _citizen().ssin
        assert ssin is not None
        services().registry.delete_consent(ssin, messageProviderId)
        return Response(body="", status_code=204)
