"""API Gateway's own answers (gateway responses), locally: the API's `GatewayResponses` where the template
declares one for the type, else API Gateway's default. Their templates may use `$context.requestId` and
`$context.authorizer.<key>` (what the authorizer put in its context); other `$context` variables are empty."""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from ebox_local.model import ApiSettings

DEFAULTS: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (401, '{"message":"Unauthorized"}'),
    "ACCESS_DENIED": (403, '{"message":"User is not authorized to access this resource with an explicit deny"}'),
    "MISSING_AUTHENTICATION_TOKEN": (403, '{"message":"Missing Authentication Token"}'),
    "INVALID_API_KEY": (403, '{"message":"Forbidden"}'),
    "THROTTLED": (429, '{"message":"Too Many Requests"}'),
    "QUOTA_EXCEEDED": (429, '{"message":"Limit Exceeded"}'),
    "AUTHORIZER_FAILURE": (500, '{"message":null}'),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, '{"message":null}'),
}
_CONTEXT = re.compile(r"\$\{?context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)\}?")


def render(template: str, request_id: str, authorizer: dict[str, str] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "requestId":
            return request_id
        if name.startswith("authorizer."):
            return (authorizer or {}).get(name.split(".", 1)[1], "")
        return ""

    return _CONTEXT.sub(value, template)


def gateway_response(kind: str, settings: ApiSettings | None, request_id: str,
                     authorizer: dict[str, str] | None = None) -> Response:
    status, body = DEFAULTS[kind]
    headers: dict[str, str] = {}
    declared = settings.responses.get(kind) if settings is not None else None
    if declared is not None:
        status = declared.status or status
        headers = dict(declared.headers)
        body = declared.template if declared.template is not None else body
    response = Response(render(body, request_id, authorizer), status=status, mimetype="application/json")
    for name, value in headers.items():
        response.headers[name] = value
    response.headers["x-amzn-ErrorType"] = {"UNAUTHORIZED": "UnauthorizedException",
                                            "ACCESS_DENIED": "AccessDeniedException"}.get(kind, kind.title())
    return response
