"""The keys that verify evidence: ``/evidence/keys`` (the KMS evidence key, the verifiers' anchor, and
the endorsed keys of the last days) and ``/evidence/keys/{kid}`` (any key ever used, archived or not).
``register(app)`` adds them to the Chalice app (see inbox_routes for why not a Blueprint)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import bulk_routes
from ebox.api.routing import guarded_routes, json_response
from ebox.domain.errors import NotFound
from ebox.wiring import services


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route("/evidence/keys", methods=["GET"])
    def evidence_keys() -> Response:
        svc = services()
        return json_response({"keys": [svc.evidence_signer.jwk(), *svc.evidence_keys.current_keys(),
                                       *bulk_routes.endorsed_evidence_keys()]})

    @route("/evidence/keys/{kid}", methods=["GET"])
    def evidence_key(kid: str) -> Response:
        svc = services()
        anchor = svc.evidence_signer.jwk()
        key = anchor if kid == anchor["kid"] else svc.evidence_keys.key(kid)
        if key is None:
            key = next((k for k in bulk_routes.endorsed_evidence_keys() if k["kid"] == kid), None)
        if key is None:
            raise NotFound(f"no evidence key {kid}")
        return json_response(key)
