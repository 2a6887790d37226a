"""Access-token verification with PyJWT against a JWKS: a remote one (Cognito, the federal
authorisation server, the external IdP of senders) by URL, or the built-in issuer's KMS public key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt

from ebox.domain.errors import Unauthenticated

ALGORITHMS = ["ES256", "RS256"]
MAX_TOKEN_CHARS = 8192


class JwtVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str | None,
        jwks_url: str | None = None,
        local_jwks: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        if not jwks_url and local_jwks is None:
            raise ValueError("a JWKS URL or the built-in issuer's key is needed to verify tokens")
        self._issuer = issuer
        self._audience = audience
        self._remote = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=600) if jwks_url else None
        self._local_jwks = local_jwks

    @property
    def issuer(self) -> str:
        return self._issuer

    def issued(self, token: str) -> bool:
        """Whether ``token`` names this verifier's issuer (read unverified: only to choose the verifier)."""
        if len(token) > MAX_TOKEN_CHARS:
            return False
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        return isinstance(claims, dict) and claims.get("iss") == self._issuer

    def _signing_key(self, token: str) -> Any:
        if len(token) > MAX_TOKEN_CHARS:
            raise Unauthenticated(f"the access token is longer than {MAX_TOKEN_CHARS} characters")
        if self._remote is not None:
            return self._remote.get_signing_key_from_jwt(token).key
        assert self._local_jwks is not None
        kid = jwt.get_unverified_header(token).get("kid")
        for jwk in self._local_jwks()["keys"]:
            if jwk.get("kid") == kid:
                return jwt.PyJWK(jwk).key
        raise Unauthenticated("the access token was signed by a key this service does not trust")

    def verify(self, token: str) -> dict[str, Any]:
        try:
            key = self._signing_key(token)
            return jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud"] if self._audience else ["exp", "iss"],
                         "verify_aud": bool(self._audience)},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the access token has expired") from None
        except (jwt.PyJWTError, ValueError, TypeError) as error:  # malformed, wrong algorithm or key type
            raise Unauthenticated(f"the access token is not valid: {str(error)[:200]}") from None
