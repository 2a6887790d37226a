"""The API's Lambda authorizer (decision 0024): a TOKEN authorizer on every route that needs a token. It
checks the bearer token as the API does (the built-in issuer's key, or the senders' external IdP and an
approved client of it) and answers API Gateway with an Allow policy for the whole stage (the answer is
cached per token, so it must hold for every route) and the client's API key as ``usageIdentifierKey``: API
Gateway then counts the request against that client's usage plan (``ApiKeySourceType: AUTHORIZER``).

A token that does not verify gets a Deny policy whose context carries the API's own words for it; the
template's ACCESS_DENIED gateway response turns that into the 401 StatusMessage the API answered before.
A Deny is an answer, not a failure: it is cached like an Allow (a replayed bad token costs no invocation)
and counts as no Lambda error. A client without a key of its own (one made before keys were issued, or by a
path that issues none) is counted under the shared key. What the token may do is still the API's business:
it checks the token again and its scopes, as it always did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ebox.domain.access import external_client_id
from ebox.domain.errors import Unauthenticated

MISSING_TOKEN = "an 'Authorization: Bearer <access token>' header is required"  # noqa: S105 - words, not a secret
_UNSAFE = str.maketrans({'"': "'", "\\": "/", **{chr(c): " " for c in range(32)}})


class Unauthorized(Exception):  # noqa: N818 - API Gateway's word for a 401
    def __init__(self, message: str = MISSING_TOKEN) -> None:
        super().__init__(message)
        self.message = message


class TokenVerifier(Protocol):
    def verify(self, token: str) -> dict[str, Any]: ...


class IssuerTokenVerifier(TokenVerifier, Protocol):
    def issued(self, token: str) -> bool: ...


class UsageKeys(Protocol):
    def usage_key(self, client_id: str, *, external: bool) -> str | None: ...


@dataclass(frozen=True)
class AuthorizerPorts:
    tokens: TokenVerifier
    """The built-in issuer's tokens (or the trusted authorisation server's, JwksUrl)."""
    keys: UsageKeys
    shared_key: str
    """The usage key of clients without one of their own (the template's SharedUsageKey)."""
    sender_idp: IssuerTokenVerifier | None = None
    client_id_claim: str = "client_id"


@dataclass(frozen=True)
class Caller:
    client_id: str
    usage_key: str
    own_key: bool


def bearer_token(authorization: object) -> str:
    scheme, _, token = str(authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized
    return token.strip()


def identify(token: str, ports: AuthorizerPorts) -> Caller:
    """The verified client and the key its requests count against; Unauthorized when the token is not good."""
    try:
        if ports.sender_idp is not None and ports.sender_idp.issued(token):
            client_id = external_client_id(ports.sender_idp.verify(token), client_id_claim=ports.client_id_claim)
            key = ports.keys.usage_key(client_id, external=True)
            if key is None:  # not (or no longer) an approved sender: the API would refuse it too
                raise Unauthorized(f"client {client_id} of the senders' identity provider is not an approved sender")
        else:
            claims = ports.tokens.verify(token)
            client_id = str(claims.get("client_id") or claims.get("sub") or "")
            key = ports.keys.usage_key(client_id, external=False) if client_id else None
    except Unauthenticated as error:
        raise Unauthorized(error.message) from None
    return Caller(client_id, key or ports.shared_key, bool(key))


def stage_resource(method_arn: str) -> str:
    """``arn:…:execute-api:<region>:<account>:<api>/<stage>/<method>/<path>`` → every route of that stage."""
    prefix, _, path = str(method_arn).partition(":execute-api:")
    parts = path.split("/")
    if not prefix or len(parts) < 2:
        raise ValueError(f"not an API Gateway method ARN: {method_arn!r}")
    return f"{prefix}:execute-api:{parts[0]}/{parts[1]}/*"


def _policy(effect: str, method_arn: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Action": "execute-api:Invoke", "Effect": effect, "Resource": stage_resource(method_arn)}]}


def authorize(event: dict[str, Any], ports: AuthorizerPorts) -> dict[str, Any]:
    """A TOKEN authorizer's event → its answer: an Allow with the client, its usage key and a context for the
    integration; or a Deny whose ``message`` the ACCESS_DENIED gateway response puts in its StatusMessage."""
    try:
        caller = identify(bearer_token(event.get("authorizationToken")), ports)
    except Unauthorized as refused:
        # Read by the gateway response's template, which cannot escape: no quote, backslash or control character.
        return {"principalId": "anonymous", "policyDocument": _policy("Deny", event["methodArn"]),
                "context": {"message": refused.message.translate(_UNSAFE)[:300]}}
    return {
        "principalId": caller.client_id,
        "policyDocument": _policy("Allow", event["methodArn"]),
        "usageIdentifierKey": caller.usage_key,
        "context": {"clientId": caller.client_id, "usagePlan": "client" if caller.own_key else "shared"},
    }
