"""Who may do what: OAuth2 scopes of the real e-Box, client secrets, the authenticated principal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidClient, InvalidScope, MissingScope, Unauthenticated
from ebox.domain.registry import OAuthClient

SCOPE_PREFIX = "scope:document:management:consult:ws-eboxrestentreprise:"
PUBLISH = SCOPE_PREFIX + "publicationsender"
SUMMARY_OWN_EBOX = SCOPE_PREFIX + "summaryownebox"
MESSAGES_FULL = SCOPE_PREFIX + "messagesfull"
REFERENCE_DATA = SCOPE_PREFIX + "referencedata"
SENDER_SCOPES = frozenset({PUBLISH})
ENTERPRISE_SCOPES = frozenset({SUMMARY_OWN_EBOX, MESSAGES_FULL, REFERENCE_DATA})

_PBKDF2_ITERATIONS = 120_000


@dataclass(frozen=True)
class Principal:
    """The caller, as its verified access token describes it."""

    client_id: str
    enterprise_number: str
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise MissingScope(f"this operation needs the scope {scope}")


def principal_from_claims(claims: dict[str, object]) -> Principal:
    number = claims.get("enterpriseNumber")
    if not isinstance(number, str):
        raise Unauthenticated("the access token carries no enterpriseNumber")
    try:
        normalised = normalise_enterprise_number(number)
    except Exception:  # noqa: BLE001 - any malformed claim is an unusable token
        raise Unauthenticated("the access token's enterpriseNumber is not valid") from None
    scope = claims.get("scope", "")
    return Principal(
        client_id=str(claims.get("client_id") or claims.get("sub") or ""),
        enterprise_number=normalised,
        scopes=frozenset(str(scope).split()),
    )


def hash_secret(secret: str, *, salt: bytes | None = None, iterations: int = _PBKDF2_ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)
    return "$".join(
        ("pbkdf2_sha256", str(iterations), base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    )


def secret_matches(secret: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(digest, base64.b64decode(expected))


def authenticate_client(client: OAuthClient | None, secret: str) -> OAuthClient:
    if client is None or not secret_matches(secret, client.secret_hash):
        raise InvalidClient("unknown client or wrong secret")
    return client


def grant_scopes(client: OAuthClient, requested: str | None) -> frozenset[str]:
    """The scopes to put in the token: those asked for (all the client's when none are asked)."""
    if not requested:
        return client.allowed_scopes
    asked = frozenset(requested.split())
    refused = asked - client.allowed_scopes
    if refused:
        raise InvalidScope(f"client {client.client_id} may not have: {' '.join(sorted(refused))}")
    return asked


def token_claims(
    client: OAuthClient, scopes: frozenset[str], *, issuer: str, audience: str, now: int, ttl: int
) -> dict[str, object]:
    return {
        "iss": issuer,
        "aud": audience,
        "sub": client.client_id,
        "client_id": client.client_id,
        "enterpriseNumber": client.enterprise_number,
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": secrets.token_hex(16),
    }
