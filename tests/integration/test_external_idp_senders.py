"""A sender approved with the client id of an external OIDC provider (FAS, Cognito, Keycloak): the API is
configured as the template parameters SenderIdpIssuer/SenderIdpJwksUrl configure it (EBOX_SENDER_IDP_*),
pointing at a JWKS served here; tokens are signed here with the provider's RSA key (RS256, as Keycloak signs),
and the API checks their signatures for real (PyJWT's PyJWKClient fetching that JWKS). No secret of ours is
made or shown. (The environment is set per test rather than through stack parameters, so that the LocalStack
tier provisions no extra stack for it.)"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.apigw import publication
from tests.integration.test_onboarding_api import NEW_SENDER, REQUEST, json_call, new_publication, submit

ISSUER = "https://idp.example/realms/senders"
ADMIN = "/admin/v1"


@dataclass
class Provider:
    """The external IdP: its signing key, and its JWKS served over HTTP."""

    jwks_url: str
    key: rsa.RSAPrivateKey
    kid: str = "idp-key-1"

    def token(self, client_id: str, *, key: rsa.RSAPrivateKey | None = None, issuer: str = ISSUER,
              lifetime: int = 300, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": issuer, "client_id": client_id, "sub": client_id, "iat": now, "exp": now + lifetime,
                "scope": "ebox/publish", "token_use": "access", **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": "idp-key-1", "use": "sig",
           "alg": "RS256"}
    document = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_address[1]}/realms/senders/certs", key)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def sender_idp(stack, provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from ebox.config import SENDER_IDP_ISSUER, SENDER_IDP_JWKS_URL
    from ebox.wiring import reset_services

    monkeypatch.setenv(SENDER_IDP_ISSUER, ISSUER)
    monkeypatch.setenv(SENDER_IDP_JWKS_URL, provider.jwks_url)
    reset_services()
    yield
    reset_services()


@pytest.fixture
def operator(api) -> str:
    return str(api.token("ops-admin", "demo-secret"))


def approve(api, operator: str, request_id: str, external_client_id: str):
    return json_call(api, "POST", f"{ADMIN}/sender-requests/{request_id}/approve",
                     {"externalClientId": external_client_id}, token=operator)


def test_an_external_idp_s_client_is_approved_and_publishes_with_its_own_tokens(api, operator, provider):
    request = submit(api).json()
    approved = approve(api, operator, request["requestId"], "namur-taxes-client")
    assert approved.status == 200, approved.body
    granted = approved.json()
    assert granted["status"] == "APPROVED" and granted["clientId"] == "namur-taxes-client"
    assert granted["externalIssuer"] == ISSUER and "clientSecret" not in granted
    assert granted["bulkDropPrefix"] == f"{NEW_SENDER}/"

    token = provider.token("namur-taxes-client")
    sent = api.publish(token, new_publication(businessDataList=[{"key": "taxYear", "values": [{"fr": "2026"}]}]))
    assert sent.status == 201, sent.body
    # acting as another sender is refused: the organisation is the approval's, not a claim of the token
    other = api.publish(token, publication(sender={"eboxType": "enterprise", "enterpriseNumber": "0406798006"},
                                           senderApplicationId="demo-app", messageTypeId="demo-notice"))
    assert other.status == 400 and other.json()["code"] == "INVALID_SENDER"

    suspended = json_call(api, "POST", f"{ADMIN}/senders/{NEW_SENDER}/suspend", {"reason": "terms broken"},
                          token=operator)
    assert suspended.status == 200
    refused = api.publish(token, new_publication())
    assert refused.status == 400 and refused.json()["code"] == "INVALID_SENDER"


def test_only_approved_clients_with_valid_signatures_are_senders(api, operator, provider):
    request = submit(api).json()
    assert approve(api, operator, request["requestId"], "namur-taxes-client").status == 200
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "unknown client": provider.token("someone-else"),
        "forged signature": provider.token("namur-taxes-client", key=forged_key),
        "expired": provider.token("namur-taxes-client", lifetime=-120),
        "an ID token": provider.token("namur-taxes-client", token_use="id"),
        "no client claim": provider.token("", sub="namur-taxes-client"),
    }
    for why, token in refused.items():
        answer = api.publish(token, new_publication())
        assert answer.status == 401, (why, answer.body)
    assert api.publish(provider.token("namur-taxes-client"), new_publication()).status == 201
    # the built-in issuer's senders are unaffected
    assert api.get(str(api.token("demo-sender", "demo-sender-secret")), "/messageRegistry/v3/callbacks").status == 200


def test_an_idp_client_is_one_sender_s(api, operator):
    other_type = {**REQUEST["messageTypes"][0], "messageTypeId": "namur-parking-notice"}
    other_app = {**REQUEST["applications"][0], "applicationId": "namur-parking", "messageTypeIds": [other_type[
        "messageTypeId"]]}
    first, second = submit(api).json(), submit(api, messageTypes=[other_type], applications=[other_app]).json()
    assert approve(api, operator, first["requestId"], "shared-client").status == 200
    taken = approve(api, operator, second["requestId"], "shared-client")
    assert taken.status == 409 and "shared-client" in taken.json()["message"], taken.body
    assert api.get(operator, f"{ADMIN}/sender-requests/{second['requestId']}").json()["status"] == "PENDING"
    malformed = approve(api, operator, second["requestId"], "no spaces allowed")
    assert malformed.status == 400 and malformed.json()["code"] == "INVALID_INPUT"
