"""Abuse, as deployed: API Gateway throttles the whole stage and, more tightly, the two routes anyone may
call without a token (the token endpoint and sender onboarding requests); the rate limits the app keeps
(replies per e-Box, requests per organisation and address) have their table, with TTL, and are
configurable. Read from the SAM transform's output, i.e. what CloudFormation would create."""

from __future__ import annotations

from typing import Any

UNAUTHENTICATED = {"/oauth/token": 40, "/admin/v1/sender-requests": 5}
"""Route → the highest burst it may be allowed."""


def _stage(transformed: dict[str, Any]) -> dict[str, Any]:
    [stage] = [r["Properties"] for r in transformed["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage"]
    return stage


def _settings(transformed: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """By path (``/~1oauth~1token`` is ``/oauth/token``; ``/*`` every resource) and method."""
    return {("/" + s["ResourcePath"][1:].replace("~1", "/").lstrip("/"), s["HttpMethod"]): s
            for s in _stage(transformed)["MethodSettings"]}


def test_the_whole_stage_is_throttled(transformed):
    everything = _settings(transformed)[("/*", "*")]
    assert 0 < everything["ThrottlingRateLimit"] <= 1000 and 0 < everything["ThrottlingBurstLimit"] <= 2000


def test_routes_without_a_token_are_throttled_apart_as_resources_of_their_own(transformed):
    settings = _settings(transformed)
    paths = transformed["Resources"]["EboxApi"]["Properties"]["Body"]["paths"]
    stage_wide = settings[("/*", "*")]
    for path, burst in UNAUTHENTICATED.items():
        assert "post" in paths[path], f"{path} must be a resource of its own, or its method setting applies to nothing"
        own = settings[(path, "POST")]
        assert own["ThrottlingBurstLimit"] <= burst
        assert own["ThrottlingRateLimit"] < stage_wide["ThrottlingRateLimit"]


def test_the_app_s_rate_limits_have_their_table_and_are_configurable(template):
    table = template["Resources"]["RateLimitsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    variables = template["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["EBOX_RATE_LIMITS_TABLE"] == {"Ref": "RateLimitsTable"}
    for variable, parameter in (("EBOX_REPLY_RATE", "ReplyRate"), ("EBOX_ONBOARDING_RATE", "OnboardingRate")):
        assert variables[variable] == {"Ref": parameter}
        assert "AllowedPattern" in template["Parameters"][parameter]
