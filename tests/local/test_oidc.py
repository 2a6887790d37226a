"""The local OpenID Connect provider refuses what a real one refuses: no PKCE, a foreign redirect, a
wrong code verifier, a code used twice. (The happy path runs in the browser tests.)"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from ebox_local.oidc import CLIENT_ID, DemoPerson, LocalOidc
from werkzeug.test import Client
from werkzeug.wrappers import Request

APP = "http://127.0.0.1:8000/"
VERIFIER = "v" * 64
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
ANNA = DemoPerson("anna", "Anna Peeters", "85073003328", "0852093431", {"en": "administrator"}, ("messagesfull",))


@pytest.fixture
def provider() -> tuple[LocalOidc, Client]:
    oidc = LocalOidc("http://127.0.0.1:8000", [ANNA])

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        return oidc.respond(Request(environ))(environ, start_response)

    return oidc, Client(app)


def authorize(**overrides: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": APP, "state": "s1",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256", "ui_locales": "fr", **overrides}


def code_for(client: Client) -> str:
    answer = client.post("/local/oidc/authorize", data={**authorize(), "person": "anna"})
    assert answer.status_code == 302
    location = urlsplit(answer.headers["Location"])
    assert location.geturl().startswith(APP)
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def test_the_login_page_lists_the_demo_people_in_the_asked_language(provider) -> None:
    _, client = provider
    page = client.get("/local/oidc/authorize", query_string=authorize())
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="fr"' in text and "Anna Peeters" in text and "<script" not in text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("change", [{"code_challenge_method": "plain"}, {"code_challenge": ""},
                                    {"redirect_uri": "https://evil.example/"}, {"client_id": "other"},
                                    {"response_type": "token"}])
def test_an_authorization_request_without_pkce_or_for_another_app_is_refused(provider, change) -> None:
    _, client = provider
    assert client.get("/local/oidc/authorize", query_string=authorize(**change)).status_code == 400


def test_a_code_needs_its_verifier_and_serves_once(provider, monkeypatch) -> None:
    oidc, client = provider
    monkeypatch.setattr(oidc, "_tokens", lambda grant: {"access_token": f"token-of-{grant.person.person_id}"})
    form = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "redirect_uri": APP}
    wrong = client.post("/local/oidc/token", data={**form, "code": code_for(client), "code_verifier": "w" * 64})
    assert wrong.status_code == 400 and wrong.json["error"] == "invalid_grant"

    code = code_for(client)
    assert client.post("/local/oidc/token", data={**form, "code": code, "code_verifier": VERIFIER}).json == {
        "access_token": "token-of-anna"}
    again = client.post("/local/oidc/token", data={**form, "code": code, "code_verifier": VERIFIER})
    assert again.status_code == 400


def test_discovery_names_the_endpoints(provider) -> None:
    _, client = provider
    discovery = client.get("/local/oidc/.well-known/openid-configuration").json
    assert discovery["issuer"] == "http://127.0.0.1:8000/local/oidc"
    assert discovery["code_challenge_methods_supported"] == ["S256"]


def test_the_demo_people_include_a_citizen_who_acts_for_no_enterprise() -> None:
    from ebox_local.oidc import load_people

    [citizen] = [p for p in load_people() if p.enterprise_number is None]
    assert citizen.ssin == "85073003328" and "messagesfull" in citizen.scopes


def test_the_demo_people_include_the_platform_operator_with_the_operator_scope() -> None:
    from ebox_local.oidc import load_people

    [operator] = [p for p in load_people() if "scope:ebox:platform:operator" in p.scopes]
    assert operator.name == "Olivier Lambert" and operator.enterprise_number == "0671516647"
    assert not {"messagesfull", "publicationsender"} & set(operator.scopes)  # statistics only
