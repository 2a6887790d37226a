"""The recipient's side of the Message Registry v2 (and its v3 additions): the e-Box, its messages,
their attachments and bodies, and the answer to qualified registered mail. Every read goes through the
caller's Consultation: a message the caller may not see answers 404 whether it exists or not."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Chalice, Response

from ebox.api.readers import consultation
from ebox.api.requests import ANY_BODY, CurrentRequest, accept_flag
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access, message_views, qualified_delivery
from ebox.domain.clock import now_timestamp
from ebox.domain.consultation import Consultation, page_request
from ebox.domain.encoding import b64url_to_standard
from ebox.domain.message_filter import parse_filter
from ebox.wiring import services

EBOX = "/messageRegistry/v2/ebox"
MESSAGE = EBOX + "/messages/{messageId}"


INLINE_DOCUMENT_BYTES = 4 * 1024 * 1024  # larger documents are answered by a 303 to a pre-signed GET


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    def reader(scope: str = access.MESSAGES_FULL) -> Consultation:
        return consultation(request.headers(), services(), scope)

    @route(EBOX, methods=["GET"])
    def ebox_summary() -> Response:
        return json_response(message_views.ebox_view(reader(access.SUMMARY_OWN_EBOX).summary()))

    @route(EBOX + "/messages", methods=["GET"])
    def list_messages() -> Response:
        params = request.params()
        page, size = page_request(params.get("page"), params.get("pageSize"))
        wanted = parse_filter(params)
        return json_response(message_views.messages_view(reader().messages(page, size, wanted)))

    @route(MESSAGE, methods=["GET"])
    def get_message(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        consulting = reader()
        message = consulting.message(messageId)
        return json_response(message_views.message_view(message, replies=consulting.replies(message)))

    @route(MESSAGE + "/attachments", methods=["GET"])
    def list_attachments(messageId: str) -> Response:  # noqa: N803
        return json_response(message_views.attachments_view(reader().message(messageId)))

    @route(MESSAGE + "/attachments/{attachmentId}", methods=["GET"])
    def get_attachment(messageId: str, attachmentId: str) -> Response:  # noqa: N803
        _, attachment = reader().attachment(messageId, attachmentId)
        return json_response(message_views.attachment_view(messageId, attachment))

    @route(MESSAGE + "/attachments/{attachmentId}/content", methods=["GET"])
    def get_attachment_content(messageId: str, attachmentId: str) -> Response:  # noqa: N803
        consulting = reader()
        if consulting.attachment(messageId, attachmentId)[1].size > INLINE_DOCUMENT_BYTES:
            # beyond API Gateway's 6 MB answer: a 303 to the stored bytes (checked when published)
            large = consulting.attachment_opened(messageId, attachmentId, now=now_timestamp())
            url = services().document_uploads.download_url(large.content_key, large.file_name, large.media_type)
            return Response(body="", status_code=303, headers={
                "Location": url, "Repr-Digest": f"sha-256=:{b64url_to_standard(large.sha256_b64url)}:"})
        attachment, data = consulting.attachment_content(messageId, attachmentId, now=now_timestamp())
        return Response(body=data, status_code=200, headers={
            "Content-Type": attachment.media_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.file_name, safe='')}",
            "Repr-Digest": f"sha-256=:{b64url_to_standard(attachment.sha256_b64url)}:",  # RFC 9530
            **message_views.DOCUMENT_HEADERS,
        })

    @route(MESSAGE + "/body", methods=["GET"])
    def get_body(messageId: str) -> Response:  # noqa: N803
        return json_response(reader().body(messageId, now=now_timestamp()))

    @route("/messageRegistry/v3/ebox/messages/{messageId}/acceptance", methods=["POST"], content_types=ANY_BODY)
    def answer_registered_message(messageId: str) -> Response:  # noqa: N803
        """Qualified registered mail: the recipient accepts ({"accept": true}) or refuses it."""
        svc = services()
        accept = accept_flag(request.body())
        message = reader().message(messageId)
        qualified_delivery.answer(message, accept=accept, states=svc.delivery_states, workflow=svc.workflow)
        return json_response({"messageId": messageId, "answer": "accepted" if accept else "refused"}, status=202)
