"""API Gateway, locally: HTTP requests become REST proxy events for the API function, as on AWS.
`/health` and `/local/mail` are answered by the local stack itself."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from ebox_local.functions import invoke
from ebox_local.provisioning import LocalFunction

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's limit
TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")


def proxy_event(request: Request, body: bytes) -> dict[str, Any]:
    content_type = request.headers.get("Content-Type", "")
    binary = bool(body) and not content_type.startswith(TEXT_TYPES)
    query = parse_qs(request.query_string.decode(), keep_blank_values=True)
    headers = dict(request.headers.items())
    return {
        "resource": "/{proxy+}",
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {k: request.headers.getlist(k) for k in headers},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": request.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}", "httpMethod": request.method, "path": request.path, "stage": "local",
            "requestId": str(uuid.uuid4()), "requestTimeEpoch": int(time.time() * 1000),
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": request.user_agent.string},
        },
        "body": (base64.b64encode(body).decode() if binary else body.decode("utf-8", "replace")) if body else None,
        "isBase64Encoded": binary,
    }


def to_response(result: dict[str, Any]) -> Response:
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    response = Response(body, status=int(result.get("statusCode", 200)))
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = value
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            if response.headers.get(name) != value:
                response.headers.add(name, value)
    return response


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class Gateway:
    def __init__(self, api: LocalFunction, *, is_ready: Callable[[], bool],
                 mail: Callable[[], list[dict[str, Any]]]) -> None:
        self._api = api
        self._is_ready = is_ready
        self._mail = mail

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.path == "/health":
            ready = self._is_ready()
            return _json({"status": "ok" if ready else "starting"}, 200 if ready else 503)
        if request.path == "/local/mail" and request.method == "GET":
            return _json(self._mail())
        if (request.content_length or 0) > MAX_PAYLOAD:
            return _json({"message": "Request Too Long"}, 413)
        body = request.get_data(cache=False)
        if len(body) > MAX_PAYLOAD:
            return _json({"message": "Request Too Long"}, 413)
        return to_response(invoke(self._api, proxy_event(request, body)))


def serve(app: Gateway, host: str, port: int) -> tuple[BaseWSGIServer, threading.Thread]:
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-gateway", daemon=True)
    thread.start()
    return server, thread
