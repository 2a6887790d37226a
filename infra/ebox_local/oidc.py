"""The local OpenID Connect provider of `make run`: authorization code flow with PKCE (S256) for the web
app, a login page that lists the demo people (infra/demo/demo-people.json) instead of asking for a
password. Its access tokens are signed by the built-in issuer's key, with the claims the API reads from
any identity provider (enterpriseNumber, the SSIN claim, scope), so the API verifies them as it verifies
every token. In production the provider is FAS/CSAM, Cognito or Keycloak, set by template parameters.

    GET  /local/oidc/.well-known/openid-configuration   discovery
    GET  /local/oidc/authorize                           the login page (the demo people)
    POST /local/oidc/authorize                           a person chosen: back to redirect_uri with a code
    POST /local/oidc/token                               the code and its PKCE verifier for the tokens
    GET  /local/oidc/logout                              back to post_logout_redirect_uri
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from werkzeug.wrappers import Request, Response

PREFIX = "/local/oidc"
CLIENT_ID = "ebox-web"
DEMO_PEOPLE = Path(__file__).resolve().parent.parent / "demo" / "demo-people.json"
CODE_SECONDS = 120
SCOPE_PREFIX = "scope:document:management:consult:ws-eboxrestentreprise:"
_LANGUAGES = ("en", "fr", "nl", "de")
_TEXT = {
    "title": {"en": "Log in to the e-Box (demo)", "fr": "Connexion à l'e-Box (démo)",
              "nl": "Aanmelden bij de e-Box (demo)", "de": "Anmeldung bei der e-Box (Demo)"},
    "intro": {"en": "The local identity provider: choose who you are. No password, this is a demo.",
              "fr": "Le fournisseur d'identité local : choisissez qui vous êtes. Pas de mot de passe, c'est une démo.",
              "nl": "De lokale identiteitsprovider: kies wie u bent. Geen wachtwoord, dit is een demo.",
              "de": "Der lokale Identitätsanbieter: wählen Sie, wer Sie sind. Kein Passwort, dies ist eine Demo."},
    "as": {"en": "Log in as", "fr": "Se connecter en tant que", "nl": "Aanmelden als", "de": "Anmelden als"},
}


@dataclass(frozen=True)
class DemoPerson:
    person_id: str
    name: str
    ssin: str | None
    enterprise_number: str | None  # None: a citizen, who reads their own My eBox (keyed by the SSIN)
    role: dict[str, str]
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class _Grant:
    person: DemoPerson
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    expires: float


def load_people(path: Path = DEMO_PEOPLE) -> list[DemoPerson]:
    if not path.is_file():
        return []
    return [DemoPerson(p["id"], p["name"], p.get("ssin"), p.get("enterpriseNumber"), p.get("role") or {},
                       tuple(p["scopes"])) for p in json.loads(path.read_text(encoding="utf-8"))["people"]]


def _json(body: Any, status: int = 200) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(error: str, description: str, status: int = 400) -> Response:
    return _json({"error": error, "error_description": description}, status)


def _local_redirect(uri: str) -> bool:
    """Only the web app served by this stack (loopback) may receive codes."""
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost") and not parts.fragment


class LocalOidc:
    def __init__(self, base_url: str, people: list[DemoPerson] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.people = {p.person_id: p for p in (load_people() if people is None else people)}
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    @property
    def issuer(self) -> str:
        return self.base_url + PREFIX

    def respond(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        if path == "/.well-known/openid-configuration" and request.method == "GET":
            return _json(self.discovery())
        if path == "/authorize" and request.method == "GET":
            return self._login_page(request)
        if path == "/authorize" and request.method == "POST":
            return self._authorize(request)
        if path == "/token" and request.method == "POST":
            return self._token(request)
        if path == "/logout" and request.method == "GET":
            target = request.args.get("post_logout_redirect_uri", "")
            return Response(status=302, headers={"Location": target if _local_redirect(target) else "/"})
        return _error("not_found", f"{request.method} {request.path}: no such endpoint of the local provider", 404)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "end_session_endpoint": self.issuer + "/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "ui_locales_supported": list(_LANGUAGES),
        }

    def _check_request(self, params: Any) -> str | None:
        if params.get("response_type") != "code":
            return "response_type must be code"
        if params.get("client_id") != CLIENT_ID:
            return f"unknown client_id (the local provider knows {CLIENT_ID})"
        if not _local_redirect(params.get("redirect_uri", "")):
            return "redirect_uri must be the local web app"
        if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) < 43:
            return "PKCE is required: code_challenge with code_challenge_method=S256"
        return None

    def _login_page(self, request: Request) -> Response:
        problem = self._check_request(request.args)
        if problem:
            return _error("invalid_request", problem)
        lang = next((x for x in request.args.get("ui_locales", "").split() if x in _LANGUAGES), "en")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.args.items() if k in ("response_type", "client_id", "redirect_uri", "state",
                                                      "code_challenge", "code_challenge_method", "nonce",
                                                      "ui_locales"))
        buttons = "".join(
            f'<li><button type="submit" name="person" value="{html.escape(p.person_id)}">'
            f'<span class="name">{_TEXT["as"][lang]} {html.escape(p.name)}</span>'
            f'<span class="role">{html.escape(p.role.get(lang) or p.role.get("en", ""))}</span></button></li>'
            for p in self.people.values())
        page = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{_TEXT["title"][lang]}</title><style>{_STYLE}</style></head><body><main>'
                f'<h1>{_TEXT["title"][lang]}</h1><p>{_TEXT["intro"][lang]}</p>'
                f'<form method="post" action="{PREFIX}/authorize">{hidden}<ul>{buttons}</ul></form>'
                '</main></body></html>')
        response = Response(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*;"
            " frame-ancestors 'none'; base-uri 'none'")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _authorize(self, request: Request) -> Response:
        form = request.form
        problem = self._check_request(form)
        person = self.people.get(form.get("person", ""))
        if problem or person is None:
            return _error("invalid_request", problem or "choose a demo person")
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._grants = {k: g for k, g in self._grants.items() if g.expires > now}
            self._grants[code] = _Grant(person, form["client_id"], form["redirect_uri"], form["code_challenge"],
                                        form.get("nonce") or None, now + CODE_SECONDS)
        query = {"code": code, **({"state": form["state"]} if form.get("state") else {}), "iss": self.issuer}
        separator = "&" if "?" in form["redirect_uri"] else "?"
        return Response(status=302, headers={"Location": form["redirect_uri"] + separator + urlencode(query)})

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return _error("unsupported_grant_type", "only grant_type=authorization_code")
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.expires < time.monotonic():
            return _error("invalid_grant", "unknown, used or expired code")
        if form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
            return _error("invalid_grant", "client_id or redirect_uri differ from the authorization request")
        verifier = form.get("code_verifier", "")
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not hmac.compare_digest(computed, grant.challenge):
            return _error("invalid_grant", "the code_verifier does not match the code_challenge (PKCE)")
        return _json(self._tokens(grant))

    def _tokens(self, grant: _Grant) -> dict[str, Any]:
        from ebox.wiring import services

        svc = services()
        config = svc.config
        person, now = grant.person, int(time.time())
        scope = " ".join(s if s.startswith("scope:") else SCOPE_PREFIX + s for s in person.scopes)
        subject = f"person:{person.person_id}"
        access: dict[str, Any] = {
            "iss": config.token_issuer, "aud": config.token_audience, "sub": subject, "client_id": grant.client_id,
            "scope": scope, "iat": now, "nbf": now, "exp": now + config.token_ttl_seconds,
            "jti": secrets.token_hex(16)}
        if person.enterprise_number:  # a citizen's token acts for no enterprise
            access["enterpriseNumber"] = person.enterprise_number
        if person.ssin:
            access[config.ssin_claim] = person.ssin
        identity: dict[str, Any] = {
            "iss": self.issuer, "aud": grant.client_id, "sub": subject, "iat": now,
            "exp": now + config.token_ttl_seconds, "name": person.name,
            **({"enterpriseNumber": person.enterprise_number} if person.enterprise_number else {})}
        if grant.nonce:
            identity["nonce"] = grant.nonce
        return {"access_token": svc.token_signer.sign_jws(access), "id_token": svc.token_signer.sign_jws(identity),
                "token_type": "Bearer", "expires_in": config.token_ttl_seconds, "scope": scope}


_STYLE = ("body{font:1rem/1.5 system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}"
          "main{max-width:32rem;margin:2rem auto;padding:1rem}h1{font-size:1.5rem}"
          "ul{list-style:none;padding:0}li{margin:.75rem 0}"
          "button{width:100%;text-align:left;padding:.9rem 1rem;border:1px solid #5a6570;border-radius:.5rem;"
          "background:#fff;font:inherit;cursor:pointer;min-height:44px}"
          "button:hover,button:focus{border-color:#0b4f8a;outline:3px solid #0b4f8a;outline-offset:1px}"
          ".name{display:block;font-weight:600}.role{display:block;color:#3d4650;font-size:.9rem}")
