"""Evidence over HTTP: the keys that verify every signed evidence record (``/evidence/keys``: the KMS
evidence key, the verifiers' anchor, and the endorsed keys of the last days; ``/evidence/keys/{kid}``:
any key ever used, archived or not), and a message's records with their signed chain head (the sender
and the recipient enterprise see all of them; a person only those of a message they may read)."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.bulk_routes import endorsed_evidence_keys
from ebox.api.readers import consultation
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.errors import NotFound
from ebox.domain.evidence_access import evidence_answer, sent_by
from ebox.pipeline.evidence_archiving import archive_proofs
from ebox.wiring import services


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route("/evidence/keys", methods=["GET"])
    def evidence_keys() -> Response:
        svc = services()
        return json_response({"keys": [svc.evidence_signer.jwk(), *svc.evidence_keys.current_keys(),
                                       *endorsed_evidence_keys()]})

    @route("/evidence/keys/{kid}", methods=["GET"])
    def evidence_key(kid: str) -> Response:
        svc = services()
        anchor = svc.evidence_signer.jwk()
        key = anchor if kid == anchor["kid"] else svc.evidence_keys.key(kid)
        if key is None:
            key = next((k for k in endorsed_evidence_keys() if k["kid"] == kid), None)
        if key is None:
            raise NotFound(f"no evidence key {kid}")
        return json_response(key)

    @route("/messageRegistry/v3/ebox/messages/{messageId}/evidences", methods=["GET"])
    def list_evidences(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        svc = services()
        principal = auth.any_principal(request.headers(), svc)
        stored = svc.index.evidence(messageId)
        if principal.ssin is not None and not sent_by(principal, stored):  # a reader: only partitions they may read
            consultation(request.headers(), svc, access.MESSAGES_FULL).message(messageId)
        return json_response(evidence_answer(principal, messageId, stored, archived=lambda: archive_proofs(
            stored, svc.evidence_archive, svc.archive_entries)))
