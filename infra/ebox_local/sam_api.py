"""`AWS::Serverless::Api` (and SAM's implicit API, from `Globals.Api`): nothing is created in the emulator (the
local gateway serves the API), but what API Gateway does before the integration is read here so that the
local gateway does it too: the Lambda authorizers (TOKEN), whether routes need an API key and where the key
comes from (usage plans), and the API's own answers (`GatewayResponses`)."""

from __future__ import annotations

from typing import Any

from ebox_local.errors import TemplateError
from ebox_local.model import ApiSettings, Created, GatewayResponse, LambdaAuthorizer, ProvisioningContext
from ebox_local.template import with_globals

JSON = "application/json"


def serverless_api(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    ctx.result.apis[logical_id] = api_settings(ctx, with_globals(_api_globals(ctx), raw))
    physical = f"{ctx.prefix}-{logical_id}".lower()
    return physical, {"RootResourceId": f"{physical}-root"}


def implicit_api_settings(ctx: ProvisioningContext) -> ApiSettings:
    """SAM's implicit API (functions' `Type: Api` events without a RestApiId): Globals.Api alone."""
    if None not in ctx.result.apis:
        ctx.result.apis[None] = api_settings(ctx, _api_globals(ctx))
    return ctx.result.apis[None]


def _api_globals(ctx: ProvisioningContext) -> dict[str, Any]:
    return dict(ctx.template.get("Globals", {}).get("Api", {}))


def api_settings(ctx: ProvisioningContext, raw: dict[str, Any]) -> ApiSettings:
    props = ctx.resolver.resolve(raw)
    auth = props.get("Auth") or {}
    authorizers = {name: _authorizer(ctx, name, spec) for name, spec in (auth.get("Authorizers") or {}).items()}
    default = auth.get("DefaultAuthorizer")
    if default is not None and default not in authorizers:
        raise TemplateError(f"DefaultAuthorizer {default} is not one of the API's Authorizers")
    responses = {kind: _response(spec) for kind, spec in (props.get("GatewayResponses") or {}).items()}
    return ApiSettings(authorizers=authorizers, default_authorizer=default,
                       api_key_required=bool(auth.get("ApiKeyRequired", False)),
                       api_key_source=str(props.get("ApiKeySourceType", "HEADER")), responses=responses)


def _authorizer(ctx: ProvisioningContext, name: str, spec: dict[str, Any]) -> LambdaAuthorizer:
    if "FunctionArn" not in spec or spec.get("FunctionPayloadType", "TOKEN") != "TOKEN":
        raise TemplateError(f"authorizer {name}: only Lambda TOKEN authorizers are emulated locally")
    function = ctx.result.function_by_name(str(spec["FunctionArn"]))
    if function is None:
        raise TemplateError(f"authorizer {name}: its function {spec['FunctionArn']} is not in the template")
    identity = spec.get("Identity") or {}
    return LambdaAuthorizer(name, function.logical_id, header=str(identity.get("Header", "Authorization")),
                            validation=identity.get("ValidationExpression"),
                            ttl_seconds=int(identity.get("ReauthorizeEvery", 300)))


def _response(spec: dict[str, Any]) -> GatewayResponse:
    headers = {name: str(value).strip("'") for name, value in
               ((spec.get("ResponseParameters") or {}).get("Headers") or {}).items()}
    templates = spec.get("ResponseTemplates") or {}
    return GatewayResponse(int(spec.get("StatusCode", 0)) or 0, headers, templates.get(JSON))


def route_auth(settings: ApiSettings, event_props: dict[str, Any]) -> tuple[str | None, bool]:
    """A route's authorizer (None: none) and whether it needs an API key: the event's `Auth`, else the API's."""
    auth = event_props.get("Auth") or {}
    authorizer = auth.get("Authorizer", settings.default_authorizer)
    return (None if authorizer in (None, "NONE") else str(authorizer),
            bool(auth.get("ApiKeyRequired", settings.api_key_required)))
