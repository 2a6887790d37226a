"""OAuth2 token endpoint and bearer checks, on moto (tokens signed by the KMS key)."""

import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.fakes import RECIPIENT

EBOX = "/messageRegistry/v2/ebox"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_token_is_an_es256_jwt_verifiable_with_the_published_jwks(api):
    answer = api.call("POST", "/oauth/token", headers=FORM,
                      body=b"grant_type=client_credentials&client_id=ent-0852093431&client_secret=demo-secret")
    assert answer.status == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    jwks = api.call("GET", "/oauth/jwks").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(body["access_token"], key, algorithms=["ES256"], audience="urn:ebox:message-registry")
    assert claims["enterpriseNumber"] == RECIPIENT
    assert "messagesfull" in claims["scope"]


def test_http_basic_client_authentication(api):
    basic = base64.b64encode(b"demo-sender:demo-sender-secret").decode()
    answer = api.call("POST", "/oauth/token", headers={**FORM, "Authorization": f"Basic {basic}"},
                      body=b"grant_type=client_credentials")
    assert answer.status == 200


@pytest.mark.parametrize("body, status, error", [
    (b"grant_type=client_credentials&client_id=demo-sender&client_secret=wrong", 401, "invalid_client"),
    (b"grant_type=client_credentials&client_id=nobody&client_secret=x", 401, "invalid_client"),
    (b"grant_type=password&client_id=demo-sender&client_secret=demo-sender-secret", 400, "unsupported_grant_type"),
    (b"grant_type=client_credentials&client_id=demo-sender&client_secret=demo-sender-secret"
     b"&scope=scope:document:management:consult:ws-eboxrestentreprise:messagesfull", 400, "invalid_scope"),
])
def test_token_errors_follow_rfc_6749(api, body, status, error):
    answer = api.call("POST", "/oauth/token", headers=FORM, body=body)
    assert answer.status == status
    assert answer.json()["error"] == error


def test_no_token_is_401(api):
    answer = api.call("GET", EBOX)
    assert answer.status == 401 and answer.json()["code"] == "UNAUTHORIZED"


def test_token_signed_by_another_key_is_401(api, enterprise_token):
    forged_key = ec.generate_private_key(ec.SECP256R1())
    claims = jwt.decode(enterprise_token, options={"verify_signature": False})
    header = jwt.get_unverified_header(enterprise_token)
    forged = jwt.encode(claims, forged_key, algorithm="ES256", headers={"kid": header["kid"]})
    assert api.get(forged, EBOX).status == 401


def test_token_claiming_another_enterprise_without_signature_is_401(api, enterprise_token):
    head, payload, _ = enterprise_token.split(".")
    unsigned = jwt.encode({"enterpriseNumber": "0403019261"}, key="", algorithm="none")
    assert api.get(unsigned, EBOX).status == 401
    assert api.get(f"{head}.{payload}.", EBOX).status == 401


def test_expired_token_is_401(api, stack):
    from ebox.domain.access import MESSAGES_FULL

    now = int(time.time())
    claims = {"iss": "urn:ebox:local-issuer", "aud": "urn:ebox:message-registry", "enterpriseNumber": RECIPIENT,
              "scope": MESSAGES_FULL, "iat": now - 7200, "exp": now - 3600, "sub": "ent-0852093431"}
    expired = stack.services.token_signer.sign_jws(claims)
    answer = api.get(expired, EBOX + "/messages")
    assert answer.status == 401 and "expired" in answer.json()["message"]


def test_sender_token_cannot_consult(api, sender_token):
    answer = api.get(sender_token, EBOX)
    assert answer.status == 403 and answer.json()["code"] == "FORBIDDEN"


def test_unknown_path_and_method_are_status_messages(api, enterprise_token):
    assert api.get(enterprise_token, "/nowhere").json()["code"] == "NOT_FOUND"
    answer = api.call("DELETE", EBOX)
    assert answer.status == 405 and answer.json()["code"] == "METHOD_NOT_ALLOWED"
