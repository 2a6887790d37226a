"""The one place where errors become HTTP answers: an e-Box `StatusMessage` with the right status."""

from __future__ import annotations

import json
import logging
from typing import Any

from chalice import Response

from ebox.domain import errors
from ebox.domain.ids import new_status_id

logger = logging.getLogger(__name__)

HTTP_STATUS: dict[type[errors.EboxError], int] = {
    errors.InvalidInput: 400,
    errors.InvalidSender: 400,
    errors.DigestDoNotMatch: 400,
    errors.Unauthenticated: 401,
    errors.MissingScope: 403,
    errors.AcceptanceRequired: 403,
    errors.ReplyNotAuthorized: 403,
    errors.AcceptanceClosed: 409,
    errors.NotFound: 404,
    errors.DuplicatePublication: 409,
    errors.PayloadTooLarge: 413,
    errors.IdempotencyKeyReused: 422,
    errors.RateLimited: 429,
    errors.TransientError: 503,
    errors.BatchInProgress: 409,
    errors.BatchClosed: 409,
    errors.RequestStateConflict: 409,
}
OAUTH_STATUS: dict[type[errors.EboxError], int] = {
    errors.InvalidClient: 401,
    errors.InvalidScope: 400,
    errors.UnsupportedGrantType: 400,
    errors.InvalidInput: 400,
}


def status_message(code: str, message: str, environment: str, **extra: Any) -> dict[str, Any]:
    return {"id": new_status_id(), "code": code, "message": message, "environment": environment, **extra}


def error_response(error: Exception, *, environment: str) -> Response:
    """A StatusMessage for ``error``; anything unexpected is a 500 whose details stay in the logs."""
    if isinstance(error, errors.EboxError):
        status = next((s for cls, s in HTTP_STATUS.items() if isinstance(error, cls)), 500)
        extra: dict[str, Any] = {}
        if isinstance(error, errors.DuplicatePublication):
            extra = {"messageId": error.message_id, "expirationDate": error.expiration_date}
        if error.evidence:
            extra["evidence"] = error.evidence
        body = status_message(error.code, error.message, environment, **extra)
        headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        if isinstance(error, errors.RateLimited):
            headers["Retry-After"] = str(error.retry_after)
        if status >= 500:
            logger.warning("dependency failure: %s", error.message, exc_info=error.__cause__)
        return Response(body=json.dumps(body), status_code=status, headers=headers)
    body = status_message("INTERNAL_ERROR", "the service failed; the incident id is in our logs", environment)
    logger.exception("unhandled error, incident %s", body["id"])
    return Response(body=json.dumps(body), status_code=500, headers={"Content-Type": "application/json"})


def oauth_error_response(error: errors.EboxError) -> Response:
    """RFC 6749 §5.2 errors for the token endpoint."""
    status = next((s for cls, s in OAUTH_STATUS.items() if isinstance(error, cls)), 400)
    code = error.code if isinstance(error, tuple(OAUTH_STATUS)) and error.code.islower() else "invalid_request"
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="ebox"'
    return Response(
        body=json.dumps({"error": code, "error_description": error.message}), status_code=status, headers=headers
    )
