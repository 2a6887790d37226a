"""Small JSON request bodies of the API, read strictly."""

from __future__ import annotations

from typing import Any

from ebox.domain.errors import InvalidInput
from ebox.domain.limits import load_json

# the bodies a route that reads its body itself (multipart, a form, JSON) lets through Chalice
ANY_BODY = ["multipart/form-data", "application/json", "application/octet-stream", "text/plain",
            "application/x-www-form-urlencoded"]


def json_body(body: bytes) -> Any:
    """The body as JSON, bounded in size and depth (ebox.domain.limits)."""
    return load_json(body or b"null", "the body")


def accept_flag(body: bytes) -> bool:
    """`{"accept": true|false}` — anything else is INVALID_INPUT."""
    try:
        data = json_body(body)
    except InvalidInput:
        raise InvalidInput('the answer is JSON: {"accept": true} or {"accept": false}') from None
    if not isinstance(data, dict) or not isinstance(data.get("accept"), bool):
        raise InvalidInput('the answer is JSON: {"accept": true} or {"accept": false}')
    return bool(data["accept"])


def request_headers(request: Any) -> dict[str, str]:
    """The headers of the Chalice request being handled, names lower-cased."""
    assert request is not None, "only called while a request is handled"
    return {k.lower(): v for k, v in request.headers.items()}


def request_body(request: Any) -> bytes:
    """The raw body of the Chalice request being handled (Chalice gives str or bytes)."""
    assert request is not None, "only called while a request is handled"
    body = request.raw_body
    return body.encode() if isinstance(body, str) else bytes(body or b"")


class CurrentRequest:
    """The request a route of ``app`` is handling: its headers (names lower-cased), body and query."""

    def __init__(self, app: Any) -> None:
        self._app = app

    def headers(self) -> dict[str, str]:
        return request_headers(self._app.current_request)

    def body(self) -> bytes:
        return request_body(self._app.current_request)

    def json(self) -> Any:
        return json_body(self.body())

    def params(self) -> dict[str, str]:
        request = self._app.current_request
        return dict((request.query_params if request else None) or {})

    def source_address(self) -> str:
        """The caller's address as API Gateway saw it (``requestContext.identity.sourceIp``)."""
        request = self._app.current_request
        context = (request.context if request else None) or {}
        return str((context.get("identity") or {}).get("sourceIp") or "unknown")
