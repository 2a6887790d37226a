"""Which route a request path belongs to (ebox.api.routing.match_route), as API Gateway's proxy resource hands
it over: already percent-decoded."""

import pytest
from ebox.api.routing import match_route

ROUTES = ["/messageRegistry/v2/ebox/messages", "/messageRegistry/v2/ebox/messages/{messageId}",
          "/messageRegistry/v2/ebox/messages/{messageId}/body", "/evidence/keys", "/evidence/keys/{kid}", "/"]


@pytest.mark.parametrize("path, route, captured", [
    ("/messageRegistry/v2/ebox/messages", "/messageRegistry/v2/ebox/messages", {}),
    ("/messageRegistry/v2/ebox/messages/", "/messageRegistry/v2/ebox/messages", {}),
    ("/messageRegistry/v2/ebox/messages/m-1/body", "/messageRegistry/v2/ebox/messages/{messageId}/body",
     {"messageId": "m-1"}),
    ("/evidence/keys", "/evidence/keys", {}),
    ("/", "/", {}),
    # Found by schemathesis: a messageId of "?x" (sent as %3Fx) answered the inbox list instead of 404.
    ("/messageRegistry/v2/ebox/messages/?x", "/messageRegistry/v2/ebox/messages/{messageId}", {"messageId": "?x"}),
    ("/messageRegistry/v2/ebox/messages/a#b", "/messageRegistry/v2/ebox/messages/{messageId}", {"messageId": "a#b"}),
    ("/messageRegistry/v2/ebox/messages/a;b/body", "/messageRegistry/v2/ebox/messages/{messageId}/body",
     {"messageId": "a;b"}),
])
def test_a_path_matches_its_route_and_captures_its_segments_whole(path, route, captured):
    assert match_route(ROUTES, path) == (route, captured)


@pytest.mark.parametrize("path", ["/nowhere", "/messageRegistry/v2/ebox/messages//body", "/evidence/keys/a/b"])
def test_a_path_of_no_route_or_with_an_empty_parameter_matches_none(path):
    assert match_route(ROUTES, path) is None
