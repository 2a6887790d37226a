"""Documents beyond the API's payload cap, step one: pre-signed uploads straight to S3 (see
ebox.domain.uploads). ``register(app)`` adds the route."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api import auth
from ebox.api.requests import json_body, request_body, request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.uploads import new_upload_id, parse_upload_request, upload_key
from ebox.wiring import services

UPLOADS = "/messageRegistry/v3/ebox/uploads"


def register(app: Chalice) -> None:
    route = guarded_routes(app)

    @route(UPLOADS, methods=["POST"], content_types=["application/json"])
    def ask_for_uploads() -> Response:
        """201 `{"uploads": [{uploadId, fileName, uploadUrl, method, headers, expiresIn}]}`, in the order asked."""
        svc = services()
        principal = auth.bearer_principal(request_headers(app.current_request), svc, access.PUBLISH)
        documents = parse_upload_request(json_body(request_body(app.current_request)))
        uploads = []
        for document in documents:
            upload_id = new_upload_id()
            presigned = svc.document_uploads.presign(upload_key(principal.organization, upload_id), document)
            uploads.append({"uploadId": upload_id, "fileName": document.file_name, "size": document.size,
                            **presigned})
        return json_response({"uploads": uploads}, status=201)
