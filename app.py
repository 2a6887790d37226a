"""e-Box Enterprise Message Registry API (Chalice). Routes and wiring only: the rules live in the
`ebox` package. Deployed behind API Gateway's `/{proxy+}` with `Handler: app.handler`."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice import Chalice, Response
from chalice.app import Request
from ebox.api import auth, bulk_routes, download_routes, inbox_routes, notification_routes, reply_routes, views
from ebox.api.publishing import publish_request
from ebox.api.readers import consultation
from ebox.api.requests import accept_flag, json_body
from ebox.api.routing import guarded_routes, json_response, proxy_handler
from ebox.domain import access, qualified_delivery
from ebox.domain.consultation import Consultation, page_request
from ebox.domain.documents import ALLOWED_MEDIA_TYPES
from ebox.domain.evidence_access import evidence_views
from ebox.domain.message_filter import parse_filter
from ebox.domain.message_status import parse_status_queries, statuses
from ebox.domain.validity import format_timestamp
from ebox.wiring import services

app = Chalice(app_name="ebox-enterprise")
app.api.binary_types.extend(["multipart/form-data", "application/pdf", "application/zip", "application/*",
                             *sorted(ALLOWED_MEDIA_TYPES)])  # a document is served as the bytes published
inbox_routes.register(app)
route = guarded_routes(app)
bulk_routes.register(app)
download_routes.register(app)
reply_routes.register(app)
notification_routes.register(app)
EBOX = "/messageRegistry/v2/ebox"
MESSAGE = EBOX + "/messages/{messageId}"
ANY_BODY = ["multipart/form-data", "application/json", "application/octet-stream", "text/plain",
            "application/x-www-form-urlencoded"]


def _request() -> Request:
    request = app.current_request
    assert request is not None, "only called while a request is handled"
    return request


def _headers() -> dict[str, str]:
    return {k.lower(): v for k, v in _request().headers.items()}


def _body() -> bytes:
    body = _request().raw_body
    return body.encode() if isinstance(body, str) else bytes(body or b"")


def _now() -> str:
    return format_timestamp(datetime.now(UTC))


def _consultation(scope: str) -> Consultation:
    return consultation(_headers(), services(), scope)


@route("/health", methods=["GET"])
def health() -> Response:
    return json_response({"status": "ok"})


@route("/oauth/token", methods=["POST"], content_types=ANY_BODY)
def token() -> Response:
    from ebox.api.errors import oauth_error_response
    from ebox.domain.errors import EboxError, InvalidClient, InvalidInput, InvalidScope, UnsupportedGrantType

    try:
        body = auth.issue_token(_headers(), _body(), services())
    except (InvalidClient, InvalidScope, UnsupportedGrantType, InvalidInput) as error:
        assert isinstance(error, EboxError)
        return oauth_error_response(error)
    return json_response(body, headers={"Cache-Control": "no-store"})


@route("/oauth/jwks", methods=["GET"])
def jwks() -> Response:
    return json_response({"keys": [services().token_signer.jwk()]})


@route("/messageRegistry/v3/ebox/messages", methods=["POST"], content_types=ANY_BODY)
def publish_message() -> Response:
    svc = services()
    principal = auth.bearer_principal(_headers(), svc, access.PUBLISH)
    result = publish_request(_headers(), _body(), principal, svc)
    return json_response(result.to_response(), status=201)


@route(EBOX, methods=["GET"])
def ebox_summary() -> Response:
    return json_response(views.ebox_view(_consultation(access.SUMMARY_OWN_EBOX).summary()))


@route(EBOX + "/messages", methods=["GET"])
def list_messages() -> Response:
    params: dict[str, str] = dict(_request().query_params or {})
    page, size = page_request(params.get("page"), params.get("pageSize"))
    wanted = parse_filter(params)
    return json_response(views.messages_view(_consultation(access.MESSAGES_FULL).messages(page, size, wanted)))


@route(MESSAGE, methods=["GET"])
def get_message(messageId: str) -> Response:  # noqa: N803 - the e-Box API's parameter name
    reader = _consultation(access.MESSAGES_FULL)
    message = reader.message(messageId)
    return json_response(views.message_view(message, replies=reader.replies(message)))


@route(MESSAGE + "/attachments", methods=["GET"])
def list_attachments(messageId: str) -> Response:  # noqa: N803
    return json_response(views.attachments_view(_consultation(access.MESSAGES_FULL).message(messageId)))


@route(MESSAGE + "/attachments/{attachmentId}", methods=["GET"])
def get_attachment(messageId: str, attachmentId: str) -> Response:  # noqa: N803
    _, attachment = _consultation(access.MESSAGES_FULL).attachment(messageId, attachmentId)
    return json_response(views.attachment_view(messageId, attachment))


@route(MESSAGE + "/attachments/{attachmentId}/content", methods=["GET"])
def get_attachment_content(messageId: str, attachmentId: str) -> Response:  # noqa: N803
    attachment, data = _consultation(access.MESSAGES_FULL).attachment_content(messageId, attachmentId, now=_now())
    disposition = f"attachment; filename*=UTF-8''{_quote(attachment.file_name)}"
    return Response(body=data, status_code=200, headers={
        "Content-Type": attachment.media_type,
        "Content-Disposition": disposition,
        "Repr-Digest": f"sha-256=:{_standard_base64(attachment.sha256_b64url)}:",  # RFC 9530
        **views.DOCUMENT_HEADERS,
    })


@route("/messageRegistry/v3/ebox/messages/{messageId}/acceptance", methods=["POST"], content_types=ANY_BODY)
def answer_registered_message(messageId: str) -> Response:  # noqa: N803
    """Qualified registered mail: the recipient accepts ({"accept": true}) or refuses it."""
    svc = services()
    accept = accept_flag(_body())
    message = _consultation(access.MESSAGES_FULL).message(messageId)
    qualified_delivery.answer(message, accept=accept, states=svc.delivery_states, workflow=svc.workflow)
    return json_response({"messageId": messageId, "answer": "accepted" if accept else "refused"}, status=202)


@route("/messageRegistry/v2/searchMessageStatus", methods=["POST"], content_types=ANY_BODY)
def search_message_status() -> Response:
    svc = services()
    principal = auth.bearer_principal(_headers(), svc, access.PUBLISH)
    keys = parse_status_queries(json_body(_body()))
    return json_response(statuses(principal.enterprise_number, keys, svc.index))


@route("/evidence/keys", methods=["GET"])
def evidence_keys() -> Response:
    return json_response({"keys": [services().evidence_signer.jwk(), *bulk_routes.endorsed_evidence_keys()]})


@route("/messageRegistry/v3/ebox/messages/{messageId}/evidences", methods=["GET"])
def list_evidences(messageId: str) -> Response:  # noqa: N803
    svc = services()
    principal = auth.any_principal(_headers(), svc)
    if principal.ssin is not None:  # a person: only a message of a partition they hold rights on
        _consultation(access.MESSAGES_FULL).message(messageId)
    items = evidence_views(principal, messageId, svc.index.evidence(messageId))
    return json_response({"items": items, "totalItems": len(items)})


@route(MESSAGE + "/body", methods=["GET"])
def get_body(messageId: str) -> Response:  # noqa: N803
    return json_response(_consultation(access.MESSAGES_FULL).body(messageId, now=_now()))


def _standard_base64(b64url: str) -> str:
    import base64

    return base64.b64encode(base64.urlsafe_b64decode(b64url + "=" * (-len(b64url) % 4))).decode()


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


handler = proxy_handler(app)
