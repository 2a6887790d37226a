"""API Gateway, locally: each HTTP request becomes a REST API proxy event (payload format 1.0) for the
function whose `Type: Api` event matches it, and its proxy response becomes the HTTP response. Before that, as
API Gateway does: the route's Lambda authorizer (ebox_local.authorizers) and its API key's usage plan
(ebox_local.usage); their refusals are the API's `GatewayResponses` (ebox_local.gateway_responses).
`/health`, `/local/mail` and `/local/schedules` are answered by the local stack itself."""

from __future__ import annotations

import base64
import fnmatch
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from werkzeug.wrappers import Request, Response

from ebox_local.api_routes import Match, match_route
from ebox_local.authorizers import Authorization, LocalAuthorizers
from ebox_local.functions import invoke
from ebox_local.gateway_responses import gateway_response
from ebox_local.model import ApiRoute, ApiSettings, LocalFunction
from ebox_local.oidc import PREFIX as OIDC_PREFIX
from ebox_local.oidc import LocalOidc
from ebox_local.schedules import LocalSchedule, ScheduleRequestError, fire
from ebox_local.template import ACCOUNT_ID
from ebox_local.tsa import LocalTsa
from ebox_local.usage import UsagePlans
from ebox_local.web_assets import WebAssets

logger = logging.getLogger("ebox_local")
MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's request limit
_DRAIN_LIMIT = 256 * 1024 * 1024
_TEXT_TYPES = ("text/*", "application/json", "application/*+json", "application/x-www-form-urlencoded",
               "application/xml", "application/*+xml", "application/javascript")
Invoker = Callable[[LocalFunction, Any], Any]


def is_binary(content_type: str | None, binary_media_types: Sequence[str]) -> bool:
    """As API Gateway decides whether to base64-encode a request body: the Content-Type (no parameters)
    against the API's BinaryMediaTypes; with none declared, anything that is not text, JSON or a form."""
    media_type = (content_type or "application/json").split(";", 1)[0].strip().lower()
    if binary_media_types:
        return any(fnmatch.fnmatchcase(media_type, pattern.lower()) for pattern in binary_media_types)
    return not any(fnmatch.fnmatchcase(media_type, pattern) for pattern in _TEXT_TYPES)


def proxy_event(request: Request, body: bytes, match: Match, binary_media_types: Sequence[str], *,
                request_id: str | None = None, authorization: Authorization | None = None,
                api_key: tuple[str, str] | None = None) -> dict[str, Any]:
    """``authorization``: what the route's authorizer answered (``requestContext.authorizer``); ``api_key``: the
    value and id of the key the request was counted against (``identity.apiKey``, ``identity.apiKeyId``)."""
    binary = is_binary(request.headers.get("Content-Type"), binary_media_types)
    query = parse_qs(request.query_string.decode("latin-1"), keep_blank_values=True)
    headers = dict(request.headers.items())
    now = datetime.now(UTC)
    return {
        "resource": match.route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {k: request.headers.getlist(k) for k in headers},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": match.path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID, "apiId": "local", "resourceId": "local", "stage": "local",
            "resourcePath": match.route.path, "httpMethod": request.method, "path": f"/local{request.path}",
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"), "domainName": request.host,
            "requestId": request_id or str(uuid.uuid4()), "extendedRequestId": str(uuid.uuid4()),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "requestTimeEpoch": int(now.timestamp() * 1000),
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": request.user_agent.string,
                         "accountId": None, "caller": None, "user": None, "userArn": None, "accessKey": None,
                         **({"apiKey": api_key[0], "apiKeyId": api_key[1]} if api_key else {})},
            **({"authorizer": {"principalId": authorization.principal_id, **authorization.context}}
               if authorization is not None else {}),
        },
        "body": (base64.b64encode(body).decode() if binary else body.decode("utf-8", "replace")) if body else None,
        "isBase64Encoded": bool(body) and binary,
    }


class BadLambdaResponse(ValueError):
    """The function's answer is not an API Gateway proxy response (API Gateway answers 502)."""


def to_response(result: Any) -> Response:
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int | str):
        raise BadLambdaResponse(f"no statusCode in {type(result).__name__} answer")
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    response = Response(body, status=int(result["statusCode"]))
    response.headers.remove("Content-Type")
    multi = {k.lower(): (k, v) for k, v in (result.get("multiValueHeaders") or {}).items()}
    for name, value in (result.get("headers") or {}).items():
        if name.lower() not in multi:
            response.headers.add(name, str(value))
    for name, values in multi.values():
        for value in values:
            response.headers.add(name, str(value))
    if "Content-Type" not in response.headers:
        response.headers["Content-Type"] = "application/json"  # API Gateway's default
    return response


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class Gateway:
    """The WSGI application. Answers 503 until `open` gives it the API's routes and functions."""

    def __init__(self, *, status: Callable[[], dict[str, Any]], mail: Callable[[], list[dict[str, Any]]],
                 invoker: Invoker = invoke, tsa: LocalTsa | None = None, oidc: LocalOidc | None = None,
                 web: WebAssets | None = None) -> None:
        self._status = status
        self._oidc = oidc
        self._web = web
        self._mail = mail
        self._tsa = tsa
        self._invoke = invoker
        self._routes: list[ApiRoute] = []
        self._functions: dict[str, LocalFunction] = {}
        self._binary_media_types: list[str] = []
        self._schedules: list[LocalSchedule] = []
        self._apis: dict[str | None, ApiSettings] = {}
        self._authorizers: LocalAuthorizers | None = None
        self._usage: UsagePlans | None = None
        self._open = threading.Event()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    @property
    def authorizers(self) -> LocalAuthorizers | None:
        return self._authorizers

    def open(self, routes: Iterable[ApiRoute], functions: dict[str, LocalFunction],
             binary_media_types: Sequence[str], schedules: Iterable[LocalSchedule] = (), *,
             apis: dict[str | None, ApiSettings] | None = None, usage: UsagePlans | None = None,
             region: str = "eu-west-1") -> None:
        """``apis``: each API's authorizers and gateway responses; ``usage``: the emulator's usage plans (without
        them, API keys are not checked)."""
        self._routes, self._functions = list(routes), dict(functions)
        self._apis, self._usage = dict(apis or {}), usage
        self._authorizers = LocalAuthorizers(self._invoke, self._functions, region)
        self._schedules = list(schedules)
        self._binary_media_types = list(binary_media_types)
        self._open.set()

    def serve_web_app(self, oidc: LocalOidc, web: WebAssets) -> None:
        """The local identity provider at /local/oidc and the web app's files at / (known once the port is)."""
        self._oidc, self._web = oidc, web

    def close(self) -> None:
        self._open.clear()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        started = time.perf_counter()
        response = self.respond(request)
        if request.path not in ("/health", "/local/mail"):
            logger.info("api %s %s %d (%.0f ms)", request.method, request.full_path.rstrip("?"),
                        response.status_code, (time.perf_counter() - started) * 1000)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == "/health" and request.method == "GET":
            return _json(self._status(), 200 if self.is_open else 503)
        if request.path == "/local/mail" and request.method == "GET":
            return _json(self._mail())
        if request.path.startswith("/local/tsa") and self._tsa is not None:
            return self._time_stamp(request)
        if request.path.startswith(OIDC_PREFIX + "/") and self._oidc is not None and self.is_open:
            return self._oidc.respond(request)
        if self._web is not None and self.is_open and self._web.serves(request):
            return self._web.respond(request)
        if request.path == "/local/schedules" and self.is_open:
            return self._fire_schedules(request)
        body = _read_body(request)
        if body is None:
            return _json({"message": "Request Too Long"}, 413)
        if not self.is_open:
            return _json({"message": "Service Unavailable: the local stack is starting"}, 503)
        request_id = str(uuid.uuid4())
        match = match_route(self._routes, request.method, request.path)
        if match is None:
            return gateway_response("MISSING_AUTHENTICATION_TOKEN", self._single_api(), request_id)
        settings = self._apis.get(match.route.api)
        authorization, api_key = None, None
        if match.route.authorizer is not None and settings is not None and self._authorizers is not None:
            authorizer = settings.authorizers[match.route.authorizer]
            authorization = self._authorizers.authorize(authorizer, request.headers.get(authorizer.header),
                                                        request.method, request.path)
            if authorization.refusal is not None:
                return gateway_response(authorization.refusal, settings, request_id, authorization.context)
        if match.route.api_key_required and settings is not None and self._usage is not None:
            value = (authorization.usage_key if authorization is not None else None) \
                if settings.api_key_source == "AUTHORIZER" else request.headers.get("x-api-key")
            refusal, key_id = self._usage.admit(value)
            if refusal is not None:
                return gateway_response(refusal, settings, request_id)
            api_key = (str(value), str(key_id))
        try:
            result = self._invoke(self._functions[match.route.function],
                                  proxy_event(request, body, match, self._binary_media_types, request_id=request_id,
                                              authorization=authorization, api_key=api_key))
            return to_response(result)
        except Exception as error:  # noqa: BLE001 - API Gateway's answer to a failed integration
            logger.warning("api %s %s: %s: %s", request.method, request.path, type(error).__name__, error)
            return _json({"message": "Internal server error"}, 502)


    def _single_api(self) -> ApiSettings | None:
        """The API whose gateway responses answer a path no route matches (API Gateway's, per API)."""
        declared = [settings for settings in self._apis.values() if settings.responses]
        return declared[0] if len(declared) == 1 else None

    def _fire_schedules(self, request: Request) -> Response:
        """`GET /local/schedules` lists the template's schedules; `POST` fires them (see ebox_local.schedules)."""
        if request.method == "GET":
            return _json([s.describe() for s in self._schedules])
        if request.method != "POST":
            return _json({"message": "GET or POST /local/schedules"}, 405)
        try:
            asked = json.loads(request.get_data(cache=False)[:65536] or b"{}")
            if not isinstance(asked, dict):
                raise ScheduleRequestError('the body is a JSON object: {"today": "YYYY-MM-DD", "rule": "..."}')
            fired = fire(self._schedules, self._functions, self._invoke, today=asked.get("today"),
                         rule=asked.get("rule"))
        except (ValueError, ScheduleRequestError) as error:
            return _json({"message": str(error)}, 400)
        for report in fired:
            logger.info("schedule %s fired: %s", report["rule"], report.get("result") or report.get("error"))
        return _json(fired)

    def _time_stamp(self, request: Request) -> Response:
        """The local RFC 3161 TSA: `POST /local/tsa` (timestamp-query → timestamp-reply), and its
        certificate at `GET /local/tsa/certificate` for `openssl ts -verify -CAfile`."""
        assert self._tsa is not None
        if request.path == "/local/tsa/certificate" and request.method == "GET":
            return Response(self._tsa.certificate_pem(), mimetype="application/x-pem-file")
        if request.path == "/local/tsa" and request.method == "POST":
            query = request.get_data(cache=False)[:65536]
            return Response(self._tsa.respond(query), mimetype="application/timestamp-reply")
        return _json({"message": "POST /local/tsa or GET /local/tsa/certificate"}, 404)


def _read_body(request: Request) -> bytes | None:
    """The whole body (API Gateway buffers it too), or None beyond 10 MB; an oversized body is read
    and dropped, so that the client hears the 413 rather than a reset connection."""
    stream = request.stream
    if (request.content_length or 0) > MAX_PAYLOAD:
        _drain(stream)
        return None
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_PAYLOAD:
        chunk = stream.read(min(1024 * 1024, MAX_PAYLOAD + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    _drain(stream)
    return None


def _drain(stream: Any) -> None:
    left = _DRAIN_LIMIT
    while left > 0:
        chunk = stream.read(min(1024 * 1024, left))
        if not chunk:
            return
        left -= len(chunk)
