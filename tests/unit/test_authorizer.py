"""The API's Lambda authorizer (decision 0024), with fakes: who a token names, which key it is counted against,
and the words a refused token is told."""

from __future__ import annotations

from typing import Any

import pytest
from ebox.domain.errors import Unauthenticated
from ebox.pipeline.authorizer import AuthorizerPorts, authorize, stage_resource

ARN = "arn:aws:execute-api:eu-west-1:123456789012:api1/Prod/POST/messageRegistry/v3/ebox/messages"


class Verifier:
    def __init__(self, issuer: str, claims: dict[str, dict[str, Any]]) -> None:
        self.issuer, self.claims = issuer, claims

    def issued(self, token: str) -> bool:
        return token.startswith(self.issuer)

    def verify(self, token: str) -> dict[str, Any]:
        if token not in self.claims:
            raise Unauthenticated('the access token is not valid: "bad"\nsignature')
        return self.claims[token]


class Keys:
    def __init__(self, own: dict[tuple[str, bool], str]) -> None:
        self.own = own

    def usage_key(self, client_id: str, *, external: bool) -> str | None:
        if (client_id, external) in self.own:
            return self.own[(client_id, external)]
        return None if external else ""


PORTS = AuthorizerPorts(
    tokens=Verifier("", {"ours": {"client_id": "sender-1"}, "legacy": {"sub": "ent-1"}}),
    keys=Keys({("sender-1", False): "key-sender-1", ("idp-app", True): "key-idp-app"}), shared_key="key-shared",
    sender_idp=Verifier("idp", {"idp-good": {"client_id": "idp-app"}, "idp-unknown": {"client_id": "who"}}))


def _answer(token: str) -> dict[str, Any]:
    return authorize({"type": "TOKEN", "authorizationToken": token, "methodArn": ARN}, PORTS)


@pytest.mark.parametrize(("token", "client", "key", "plan"), [
    ("Bearer ours", "sender-1", "key-sender-1", "client"),
    ("bearer legacy", "ent-1", "key-shared", "shared"),
    ("Bearer idp-good", "idp-app", "key-idp-app", "client"),
])
def test_a_verified_caller_is_allowed_on_the_whole_stage_with_its_key(token, client, key, plan):
    answer = _answer(token)
    assert answer["principalId"] == client and answer["usageIdentifierKey"] == key
    assert answer["context"] == {"clientId": client, "usagePlan": plan}
    [statement] = answer["policyDocument"]["Statement"]
    assert statement == {"Action": "execute-api:Invoke", "Effect": "Allow",
                         "Resource": "arn:aws:execute-api:eu-west-1:123456789012:api1/Prod/*"}


@pytest.mark.parametrize(("token", "said"), [
    ("", "an 'Authorization: Bearer <access token>' header is required"),
    ("Basic abc", "an 'Authorization: Bearer <access token>' header is required"),
    ("Bearer forged", "the access token is not valid: 'bad' signature"),
    ("Bearer idp-unknown", "client who of the senders' identity provider is not an approved sender"),
])
def test_a_refused_token_is_denied_with_words_a_template_can_hold(token, said):
    answer = _answer(token)
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert "usageIdentifierKey" not in answer and answer["context"] == {"message": said}


def test_the_policy_covers_the_stage_and_nothing_else():
    assert stage_resource(ARN) == "arn:aws:execute-api:eu-west-1:123456789012:api1/Prod/*"
    with pytest.raises(ValueError, match="not an API Gateway method ARN"):
        stage_resource("arn:aws:lambda:eu-west-1:1:function:x")
