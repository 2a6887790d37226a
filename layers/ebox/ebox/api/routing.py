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


def proxy_handler(app: Chalice) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """A Lambda handler for API Gateway proxy events (`/{proxy+}`): finds the Chalice route the path
    belongs to (as Chalice's own deployment would have API Gateway do) and hands the event over."""
    from chalice.local import RouteMatcher

    matcher = RouteMatcher(list(app.routes))

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        path = event.get("path") or "/"
        try:
            match = matcher.match_route(path)
        except ValueError:
            return _error(404, "NOT_FOUND", f"no resource at {path}")
        method = event.get("httpMethod", "GET")
        if method not in app.routes[match.route]:
            return _error(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
        event = {
            **event,
            "resource": match.route,
            "pathParameters": match.captured or None,
            "requestContext": {**(event.get("requestContext") or {}), "resourcePath": match.route},
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
