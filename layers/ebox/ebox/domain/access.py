"""Who may do what: OAuth2 scopes of the real e-Box, client secrets, the authenticated principal."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from ebox.domain.encoding import ascii_digits
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidClient, InvalidScope, MissingScope, Unauthenticated
from ebox.domain.partitions import EboxUser
from ebox.domain.recipients import CITIZEN, ENTERPRISE
from ebox.domain.registry import ExternalClient, OAuthClient
from ebox.domain.ssin import is_valid_ssin

SCOPE_PREFIX = "scope:document:management:consult:ws-eboxrestentreprise:"
PUBLISH = SCOPE_PREFIX + "publicationsender"
SUMMARY_OWN_EBOX = SCOPE_PREFIX + "summaryownebox"
MESSAGES_FULL = SCOPE_PREFIX + "messagesfull"
REFERENCE_DATA = SCOPE_PREFIX + "referencedata"
# The federation API's own scope for e-Box preferences (digital-only); senders may ask with PUBLISH.
FEDERATION_PREFERENCE = "scope:documentmanagement:ebox:enterprise:federation-rest:preference"
# The platform operator's own scope (not an e-Box scope): reviews sender requests, suspends senders.
OPERATOR = "scope:ebox:platform:operator"
SENDER_SCOPES = frozenset({PUBLISH})
ENTERPRISE_SCOPES = frozenset({SUMMARY_OWN_EBOX, MESSAGES_FULL, REFERENCE_DATA})

# The token claim that carries a person's SSIN (national register number); configurable for an external
# identity provider (EBOX_SSIN_CLAIM), e.g. "custom:ssin" for Cognito.
DEFAULT_SSIN_CLAIM = "ssin"


@dataclass(frozen=True)
class Principal:
    """The caller, as its verified access token describes it: an enterprise's client, a person of an
    enterprise (both set), or a citizen (``ssin`` only: their own My eBox)."""

    client_id: str
    enterprise_number: str | None
    scopes: frozenset[str]
    ssin: str | None = None  # a person; None: the enterprise's own (technical) client
    provider_id: str | None = None  # a message provider's application (acting for the citizen ``ssin``)

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise MissingScope(f"this operation needs the scope {scope}")

    @property
    def is_citizen(self) -> bool:
        return self.enterprise_number is None

    @property
    def ebox_id(self) -> str:
        """The caller's own e-Box: its enterprise's, or for a citizen their My eBox (their SSIN)."""
        return self.enterprise_number or self.ssin or ""

    @property
    def organization(self) -> str:
        """The enterprise the caller acts for; a citizen acts for none."""
        if self.enterprise_number is None:
            raise MissingScope("a citizen's token does not act for an organisation")
        return self.enterprise_number


def principal_from_claims(claims: dict[str, object], *, ssin_claim: str = DEFAULT_SSIN_CLAIM) -> Principal:
    number = claims.get("enterpriseNumber")
    ssin = claims.get(ssin_claim)
    if ssin is not None and (not isinstance(ssin, str) or not (len(ssin) == 11 and ascii_digits(ssin))):
        raise Unauthenticated(f"the access token's {ssin_claim} claim is not an SSIN (11 digits)")
    normalised: str | None = None
    provider = claims.get("messageProviderId")
    if provider is not None and not isinstance(provider, str):
        raise Unauthenticated("the access token's messageProviderId is not a string")
    if number is None and ssin is None and provider:  # a provider's application, acting for nobody yet
        pass
    elif number is None and ssin is not None:  # a citizen (or a provider acting for one): no enterprise
        if not is_valid_ssin(ssin):
            raise Unauthenticated(f"the access token's {ssin_claim} claim is not a valid SSIN")
    elif not isinstance(number, str):
        raise Unauthenticated("the access token carries no enterpriseNumber")
    else:
        try:
            normalised = normalise_enterprise_number(number)
        except Exception:  # noqa: BLE001 - any malformed claim is an unusable token
            raise Unauthenticated("the access token's enterpriseNumber is not valid") from None
    scope = claims.get("scope", "")
    return Principal(
        client_id=str(claims.get("client_id") or claims.get("sub") or ""),
        enterprise_number=normalised,
        scopes=frozenset(str(scope).split()),
        ssin=ssin,
        provider_id=provider,
    )


def external_client_id(claims: dict[str, object], *, client_id_claim: str) -> str:
    """The client an external provider's access token was issued to (its ``client_id``, Keycloak's ``azp``…)."""
    if claims.get("token_use") == "id":  # Cognito's ID tokens name a person, not a client: never a sender's
        raise Unauthenticated("an ID token is not an access token")
    client_id = claims.get(client_id_claim)
    if not isinstance(client_id, str) or not client_id:
        raise Unauthenticated(f"the external provider's token carries no {client_id_claim} claim")
    return client_id


def external_sender_principal(client: ExternalClient | None, client_id: str, issuer: str) -> Principal:
    """A sender authenticated by its external provider: who it is and what it may do come from the approval
    recorded here (never from the provider's claims), and only for the provider it was approved with."""
    if client is None or client.issuer != issuer:
        raise Unauthenticated(f"client {client_id} of {issuer} is not an approved sender")
    return Principal(client_id=client.client_id, enterprise_number=client.enterprise_number,
                     scopes=client.allowed_scopes)


@dataclass(frozen=True)
class EboxReader:
    """Who consults an e-Box and which of its partitions they may see. The one rule of visibility:
    a message is visible to a reader when it lies in the reader's e-Box and in a partition they hold
    rights on; anything else is answered as if it did not exist."""

    enterprise_number: str  # the e-Box's key: an enterprise number, or a citizen's SSIN (their My eBox)
    partitions: frozenset[str] | None  # None: every partition (the enterprise's own client, a citizen)
    ssin: str | None = None
    is_admin: bool = False
    ebox_type: str = ENTERPRISE

    def may_see(self, enterprise_number: str, partition: str) -> bool:
        return enterprise_number == self.enterprise_number and (
            self.partitions is None or partition in self.partitions)

    def require_admin(self) -> None:
        if not self.is_admin:
            raise MissingScope("only an administrator of this e-Box may do this")


def reader_for(principal: Principal, user: EboxUser | None) -> EboxReader:
    """The reader a verified principal is: its enterprise's client sees (and administers) the whole
    e-Box; a person sees the partitions granted to them, and nothing when they are not a user of it; a
    citizen sees their own My eBox, whole (keyed by their SSIN: no enterprise's e-Box has such a key)."""
    if principal.enterprise_number is None and principal.ssin is not None:
        return EboxReader(principal.ssin, None, principal.ssin, is_admin=False, ebox_type=CITIZEN)
    if principal.enterprise_number is None:
        raise MissingScope("this token names no e-Box (a provider's token names the citizen it acts for)")
    if principal.ssin is None:
        return EboxReader(principal.enterprise_number, None, None, is_admin=True)
    if user is None:
        raise MissingScope(f"this person is not a user of e-Box {principal.enterprise_number}")
    return EboxReader(principal.enterprise_number, user.partitions, user.ssin, is_admin=user.is_admin)


def hash_secret(secret: str, *, salt: bytes | None = None, iterations: int | None = None) -> str:
    """Argon2id at argon2-cffi's current defaults (RFC 9106's second recommended profile), or, given
    ``iterations`` (tests, and secrets stored before), PBKDF2-HMAC-SHA256."""
    if iterations is None:
        return str(_argon2().hash(secret))
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)
    return "$".join(
        ("pbkdf2_sha256", str(iterations), base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    )


def _argon2() -> Any:
    from argon2 import PasswordHasher  # the domain's one library for secrets (no AWS, no web framework)

    return PasswordHasher()


def secret_matches(secret: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        from argon2.exceptions import Argon2Error, InvalidHashError

        try:
            return bool(_argon2().verify(stored, secret))
        except (Argon2Error, InvalidHashError):
            return False
    try:
        scheme, iterations, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(digest, base64.b64decode(expected))


@functools.cache
def _unknown_client_hash() -> str:
    """Checked against when the client is unknown, so that an unknown client costs what a known one does."""
    return hash_secret(secrets.token_urlsafe(16))


def authenticate_client(client: OAuthClient | None, secret: str) -> OAuthClient:
    """The client, when ``secret`` is its own. Known and unknown clients cost the same work (one hash at the
    current work factor), so the answer's timing does not tell which client ids exist."""
    stored = client.secret_hash if client is not None else _unknown_client_hash()
    if not secret_matches(secret, stored) or client is None:
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
    client: OAuthClient, scopes: frozenset[str], *, issuer: str, audience: str, now: int, ttl: int,
    ssin_claim: str = DEFAULT_SSIN_CLAIM, acting_for: str | None = None,
) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": issuer,
        "aud": audience,
        "sub": client.client_id,
        "client_id": client.client_id,
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": secrets.token_hex(16),
    }
    if client.enterprise_number:
        claims["enterpriseNumber"] = client.enterprise_number
    if client.ssin:
        claims[ssin_claim] = client.ssin
    if client.message_provider_id:
        claims["messageProviderId"] = client.message_provider_id
        if acting_for:
            claims[ssin_claim] = acting_for
    return claims
