"""The API's side of OAuth2: the built-in client-credentials token endpoint and bearer checks."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote_plus

from ebox.domain.access import (
    Principal,
    authenticate_client,
    external_client_id,
    external_sender_principal,
    grant_scopes,
    principal_from_claims,
    token_claims,
)
from ebox.domain.errors import InvalidClient, InvalidInput, Unauthenticated, UnsupportedGrantType
from ebox.domain.providers import require_consent
from ebox.domain.registry import OAuthClient
from ebox.domain.ssin import normalise_ssin
from ebox.wiring import Services


def any_principal(headers: Mapping[str, str], services: Services) -> Principal:
    """The verified caller, whatever its scopes (the operation decides what they allow)."""
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("an 'Authorization: Bearer <access token>' header is required")
    idp = services.sender_idp_verifier
    if idp is not None and idp.issued(token.strip()):
        return _external_sender(token.strip(), services)
    return principal_from_claims(services.token_verifier.verify(token.strip()), ssin_claim=services.config.ssin_claim)


def _external_sender(token: str, services: Services) -> Principal:
    """A token of the senders' external IdP: its signature checked against the IdP's JWKS, its client one an
    operator approved (docs/onboarding.md)."""
    idp = services.sender_idp_verifier
    assert idp is not None
    claims = idp.verify(token)
    client_id = external_client_id(claims, client_id_claim=services.config.sender_idp_client_id_claim)
    return external_sender_principal(services.registry.external_client(client_id), client_id, idp.issuer)


def bearer_principal(headers: Mapping[str, str], services: Services, scope: str) -> Principal:
    principal = any_principal(headers, services)
    principal.require(scope)
    return principal


def _client_credentials(headers: Mapping[str, str], form: dict[str, str]) -> tuple[str, str]:
    authorization = headers.get("authorization", "")
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidClient("the Basic credentials are not valid base64") from None
        return unquote_plus(user), unquote_plus(password)
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if not client_id or not secret:
        raise InvalidClient("client_id and client_secret are required (form fields or HTTP Basic)")
    return client_id, secret


def _citizen_acted_for(client: OAuthClient, ssin: str | None, services: Services) -> str | None:
    """A provider's application names, with `ssin`, the citizen it acts for: only one who consented."""
    if ssin is None:
        return None
    if client.message_provider_id is None:
        raise InvalidInput("only a message provider's application names a citizen (ssin) in its token request")
    citizen = normalise_ssin(ssin)
    require_consent(services.registry, citizen, client.message_provider_id)
    return citizen


def issue_token(headers: Mapping[str, str], body: bytes | None, services: Services) -> dict[str, object]:
    """RFC 6749 §4.4 client credentials grant, answered with a KMS-signed ES256 JWT."""
    if "application/x-www-form-urlencoded" not in headers.get("content-type", ""):
        raise InvalidInput("the token request is a form: application/x-www-form-urlencoded")
    try:
        fields = parse_qs((body or b"").decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InvalidInput("the token request is not UTF-8") from None
    form = {name: values[0] for name, values in fields.items()}
    if form.get("grant_type") != "client_credentials":
        raise UnsupportedGrantType("only grant_type=client_credentials is supported")
    client_id, secret = _client_credentials(headers, form)
    client = authenticate_client(services.registry.oauth_client(client_id), secret)
    scopes = grant_scopes(client, form.get("scope"))
    acting_for = _citizen_acted_for(client, form.get("ssin"), services)
    config = services.config
    claims = token_claims(
        client,
        scopes,
        issuer=config.token_issuer,
        audience=config.token_audience,
        now=int(time.time()),
        ttl=config.token_ttl_seconds,
        ssin_claim=config.ssin_claim,
        acting_for=acting_for,
    )
    return {
        "access_token": services.token_signer.sign_jws(claims),
        "token_type": "Bearer",
        "expires_in": config.token_ttl_seconds,
        "scope": claims["scope"],
    }
