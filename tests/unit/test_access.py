import pytest
from ebox.domain.access import (
    MESSAGES_FULL,
    PUBLISH,
    authenticate_client,
    grant_scopes,
    hash_secret,
    principal_from_claims,
    secret_matches,
)
from ebox.domain.errors import InvalidClient, InvalidScope, MissingScope, Unauthenticated
from ebox.domain.registry import OAuthClient

CLIENT = OAuthClient("demo-sender", hash_secret("s3cret", iterations=1000), "0406798006", frozenset({PUBLISH}))


def test_secret_hash_verifies_only_the_right_secret():
    assert secret_matches("s3cret", CLIENT.secret_hash)
    assert not secret_matches("s3cret ", CLIENT.secret_hash)
    assert not secret_matches("s3cret", "plain-text")


def test_unknown_client_and_wrong_secret_are_the_same_error():
    with pytest.raises(InvalidClient):
        authenticate_client(None, "s3cret")
    with pytest.raises(InvalidClient):
        authenticate_client(CLIENT, "wrong")


def test_a_client_gets_only_scopes_it_is_registered_for():
    assert grant_scopes(CLIENT, None) == {PUBLISH}
    assert grant_scopes(CLIENT, PUBLISH) == {PUBLISH}
    with pytest.raises(InvalidScope):
        grant_scopes(CLIENT, f"{PUBLISH} {MESSAGES_FULL}")


def test_principal_pads_a_nine_digit_enterprise_number_and_checks_scopes():
    principal = principal_from_claims({"enterpriseNumber": "852093431", "scope": MESSAGES_FULL, "sub": "c"})
    assert principal.enterprise_number == "0852093431"
    principal.require(MESSAGES_FULL)
    with pytest.raises(MissingScope):
        principal.require(PUBLISH)


@pytest.mark.parametrize("claims", [{}, {"enterpriseNumber": "0852093432"}, {"enterpriseNumber": 852093431}])
def test_token_without_a_valid_enterprise_number_is_unauthenticated(claims):
    with pytest.raises(Unauthenticated):
        principal_from_claims(claims)
