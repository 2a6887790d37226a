"""API Gateway in front of the API, over HTTP, as an integrator (or an attacker) meets it: the local stack's
gateway runs the template's Lambda authorizer, usage plans and gateway responses (decision 0024)."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.test_local_stack import EBOX, token

pytestmark = pytest.mark.e2e
PUBLIC = ("/openapi.json", "/evidence/keys", "/oauth/jwks", "/admin/v1/terms", "/.well-known/ebox-callback-keys")


@pytest.mark.parametrize(("authorization", "says"), [
    (None, "an 'Authorization: Bearer <access token>' header is required"),
    ("Basic ZGVtbzpkZW1v", "an 'Authorization: Bearer <access token>' header is required"),
    ("Bearer <script>", "an 'Authorization: Bearer <access token>' header is required"),
    ("Bearer a.b.c", "the access token is not valid"),
    ("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZW1vLXNlbmRlciJ9.", "the access token was signed by a key this service"),
])
def test_no_token_or_a_bad_one_is_the_api_s_own_401(base_url, authorization, says):
    headers = {"Authorization": authorization} if authorization else {}
    for _ in range(2):  # the second one answered from the authorizer's cache, the same way
        answer = requests.get(f"{base_url}{EBOX}/messages", headers=headers, timeout=30)
        assert answer.status_code == 401, answer.text
        assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        body = answer.json()
        assert set(body) == {"id", "code", "message", "environment"} and body["code"] == "UNAUTHORIZED"
        assert body["message"].startswith(says) and body["environment"] == "development"


def test_a_token_passes_and_the_public_routes_need_none(base_url):
    bearer = {"Authorization": f"Bearer {token(base_url, 'ent-0852093431', 'demo-secret')}"}
    assert requests.get(f"{base_url}{EBOX}/messages", headers=bearer, timeout=30).status_code == 200
    for path in PUBLIC:
        assert requests.get(f"{base_url}{path}", timeout=30).status_code == 200, path


def test_a_method_a_public_route_does_not_have_is_a_404_status_message(base_url):
    answer = requests.post(f"{base_url}/oauth/jwks", timeout=30)
    assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"
