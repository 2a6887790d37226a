"""Glue between API Gateway's `/{proxy+}` resource and Chalice's routes, and per-route error mapping."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request

from ebox.api.errors import error_response, status_message
from ebox.wiring import classify_error, services


class RequestScopedChalice(Chalice):
    """Chalice whose ``current_request`` and ``lambda_context`` belong to the thread handling the request.

    Lambda gives an execution environment one request at a time, and Chalice keeps the request in one
    attribute of the app. The local stack (`ebox-local`) calls the same app from several threads at once:
    with that one attribute, a route could read the headers of a request another thread had just started
    (a browser's evidence request answered 401 because a token request without a bearer ran meanwhile)."""

    def __init__(self, app_name: str, **options: Any) -> None:
        self._per_thread = threading.local()
        super().__init__(app_name, **options)

    @property  # type: ignore[override]
    def current_request(self) -> Request | None:
        return getattr(self._per_thread, "request", None)

    @current_request.setter
    def current_request(self, request: Request | None) -> None:
        self._per_thread.request = request

    @property  # type: ignore[override]
    def lambda_context(self) -> Any:
        return getattr(self._per_thread, "context", None)

    @lambda_context.setter
    def lambda_context(self, context: Any) -> None:
        self._per_thread.context = context


def guarded_routes(app: Chalice) -> Callable[..., Callable[[Callable[..., Any]], Any]]:
    """``app.route`` whose views answer every error with a StatusMessage (see ebox.api.errors)."""

    def route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Any]:
        def register(view: Callable[..., Any]) -> Any:
            @functools.wraps(view)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                try:
                    return view(*args, **kwargs)
                except Exception as error:  # noqa: BLE001 - mapped to a StatusMessage, 500 logged
                    return error_response(classify_error(error), environment=_environment())

            return app.route(path, **options)(guarded)

        return register

    return route


def _environment() -> str:
    try:
        return services().config.environment
    except RuntimeError:
        return "development"


def match_route(routes: list[str], path: str) -> tuple[str, dict[str, str]] | None:
    """The route a request path belongs to and the path parameters it captures; None when there is none.

    The path is API Gateway's, already decoded: a `?`, `#` or `;` in it came percent-encoded inside a
    segment (a messageId of `?x` is `/messages/%3Fx` on the wire) and is part of that segment, not a query
    (chalice.local's RouteMatcher parsed it as a URL, so `/messages/%3Fx` answered the inbox list). Like API
    Gateway, a trailing slash is ignored; a literal segment wins over a captured one; a parameter is never
    empty."""
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    parts = path.split("/")
    for route in sorted(routes):  # "/foo/bar" sorts before "/foo/{name}"
        pattern = route.split("/")
        if len(pattern) != len(parts):
            continue
        captured: dict[str, str] = {}
        for part, expected in zip(parts, pattern, strict=True):
            if expected.startswith("{") and expected.endswith("}"):
                if not part:
                    break
                captured[expected[1:-1]] = part
            elif part != expected:
                break
        else:
            return route, captured
    return None


def proxy_handler(app: Chalice) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda handler for API Gateway proxy events (`/{proxy+}`): finds the Chalice route the path
    belongs to (as Chalice's own deployment would have API Gateway do) and hands the event over."""
    routes = list(app.routes)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = event.get("path") or "/"
        match = match_route(routes, path)
        if match is None:
            return _error(404, "NOT_FOUND", f"no resource at {path}")
        route, captured = match
        method = event.get("httpMethod", "GET")
        if method not in app.routes[route]:
            return _error(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
        event = {
            **event,
            "resource": route,
            "pathParameters": captured or None,
            "requestContext": {**(event.get("requestContext") or {}), "resourcePath": route},
        }
        return app(event, context)

    return handler


def _error(status: int, code: str, message: str) -> dict[str, Any]:
    body = status_message(code, message, _environment())
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", "X-Content-Type-Options": "nosniff", **(headers or {})},
    )
