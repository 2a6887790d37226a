"""Evidence over HTTP: the keys that verify every signed evidence record, and a message's records (the
sender and the recipient enterprise see all of them; a person only those of a message they may read)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.bulk_routes import endorsed_evidence_keys
from ebox.api.readers import consultation
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.evidence_access import evidence_for, evidence_view, sent_by
from ebox.wiring import services


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route("/evidence/keys", methods=["GET"])
    def evidence_keys() -> Response:
        return json_response({"keys": [services().evidence_signer.jwk(), *endorsed_evidence_keys()]})

    @route("/messageRegistry/v3/ebox/messages/{messageId}/evidences", methods=["GET"])
    def list_evidences(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        svc = services()
        principal = auth.any_principal(request.headers(), svc)
        stored = svc.index.evidence(messageId)
        if principal.ssin is not None and not sent_by(principal, stored):  # a reader: only partitions they may read
            consultation(request.headers(), svc, access.MESSAGES_FULL).message(messageId)
        records = evidence_for(principal, messageId, stored)
        items = [evidence_view(r) for r in records]
        return json_response({"items": items, "totalItems": len(items)})
