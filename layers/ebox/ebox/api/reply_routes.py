"""Routes of replies and messages "for action" (issue 4, items 3 and 4). ``register(app)`` adds them.

Both go through the caller's :class:`~ebox.domain.consultation.Consultation`: a message the caller may
not see answers 404 whether it exists or not."""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Chalice, Response

from ebox.api.publishing import idempotency_claim, receive_upload, stage_upload
from ebox.api.readers import consultation
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.clock import now, now_timestamp
from ebox.domain.consultation import Consultation
from ebox.domain.ids import new_message_id
from ebox.domain.message import REPLY_APPLICATION_ID
from ebox.domain.message_action import parse_status_update
from ebox.domain.message_views import action_view
from ebox.domain.publication import PublicationResult
from ebox.domain.publication_request import parse_reply_content
from ebox.domain.rate_limits import RateLimit, check_rate
from ebox.domain.replies import check_reply_allowed, reply_request, send_reply
from ebox.wiring import Services, services

V3_MESSAGE = "/messageRegistry/v3/ebox/messages/{messageId}"
ANY_BODY = ["multipart/form-data", "application/json", "application/octet-stream", "text/plain"]


def reply(headers: Mapping[str, str], body: bytes, reader: Consultation, svc: Services,
          original_id: str) -> PublicationResult:
    """Who may see the original, whether it allows replies, whether its e-Box has replies left in this window
    (429 TOO_MANY_REQUESTS otherwise): all before a byte of the body is staged."""
    original = reader.message(original_id)
    check_reply_allowed(original)
    check_rate(RateLimit("replies", *svc.config.reply_rate), original.recipient, svc.rate_counters, now=now())
    message_id = new_message_id()
    upload = receive_upload(headers, body, svc, message_id)
    try:
        request = reply_request(original, parse_reply_content(upload.metadata or b""))
        claim = idempotency_claim(headers, upload, organization_id=original.recipient,
                                  application_id=REPLY_APPLICATION_ID, salt=original.message_id)
    except Exception:
        upload.close()
        raise
    stage_upload(upload, request, svc.content)
    partitions = svc.registry.partitions(original.sender_organization_id) if original.sender_partition else []
    return send_reply(original=original, request=request, documents=upload.documents, claim=claim,
                      message_id=message_id, received=now(), partitions=partitions,
                      ports=svc.publication_ports())


def register(app: Chalice) -> None:
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route(V3_MESSAGE + "/replies", methods=["POST"], content_types=ANY_BODY)
    def post_reply(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
        """The recipient answers a message that allows replies: multipart, as a publication."""
        svc = services()
        reader = consultation(request.headers(), svc, access.MESSAGES_FULL)
        result = reply(request.headers(), request.body(), reader, svc, messageId)
        return json_response({**result.to_response(), "originalMessageId": messageId}, status=201)

    @route(V3_MESSAGE + "/action", methods=["PUT"], content_types=["application/json"])
    def put_action(messageId: str) -> Response:  # noqa: N803
        """`{"status": "DONE"}`: the recipient did what the message asked; again: nothing changes."""
        reader = consultation(request.headers(), services(), access.MESSAGES_FULL)
        parse_status_update(request.json())
        message = reader.mark_action_done(messageId, now=now_timestamp())
        assert message.action is not None
        return json_response({"messageId": messageId, **action_view(message.action)})
