"""Rate limits on moto, through the API: replies per e-Box, sender requests per organisation and per address.
The limits are set small by the configuration (as an operator would, template parameters ReplyRate and
OnboardingRate) and the clock is fixed in the middle of a window: no waiting, no window boundary to race."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from tests.apigw import publication
from tests.integration.test_onboarding_api import ADMIN, REQUEST, json_call
from tests.integration.test_replies_api import reply_body, send_reply

NOON = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)


@pytest.fixture
def small_limits(stack, monkeypatch):
    from ebox.wiring import reset_services

    monkeypatch.setenv("EBOX_REPLY_RATE", "2/3600")
    monkeypatch.setenv("EBOX_ONBOARDING_RATE", "2/86400")
    monkeypatch.setattr("ebox.api.reply_routes.now", lambda: NOON)
    monkeypatch.setattr("ebox.api.onboarding_routes.now", lambda: NOON)
    reset_services()
    yield
    reset_services()


def test_an_e_box_sends_its_replies_until_the_window_is_full_then_429(api, sender_token, enterprise_token,
                                                                      small_limits):
    originals = [api.publish(sender_token, publication(isReplyAuthorized=True)).json()["messageId"] for _ in range(3)]
    assert [send_reply(api, enterprise_token, m).status for m in originals[:2]] == [201, 201]
    refused = send_reply(api, enterprise_token, originals[2], reply_body())
    assert refused.status == 429 and refused.json()["code"] == "TOO_MANY_REQUESTS"
    assert refused.headers["retry-after"] == str(30 * 60)  # the window ends on the hour
    sent = api.get(enterprise_token, "/messageRegistry/v2/ebox/messages", {"pageSize": "100"}).json()["items"]
    assert not [m for m in sent if m.get("originalMessageId") == originals[2]]


def terms(api) -> dict[str, object]:
    found = api.call("GET", f"{ADMIN}/terms").json()
    return {"version": found["version"], "sha256": found["sha256"], "accepted": True}


def request_of(api, enterprise_number: str) -> dict[str, object]:
    body = copy.deepcopy(REQUEST) | {"termsOfUse": terms(api)}
    body["organization"] = {**body["organization"], "enterpriseNumber": enterprise_number}  # type: ignore[dict-item]
    return body


def test_sender_requests_are_limited_per_organisation_and_per_address(api, small_limits):
    first = json_call(api, "POST", f"{ADMIN}/sender-requests", request_of(api, "0207.436.874"))
    again = json_call(api, "POST", f"{ADMIN}/sender-requests", request_of(api, "0207.436.874"))
    assert (first.status, again.status) == (201, 201)
    third = json_call(api, "POST", f"{ADMIN}/sender-requests", request_of(api, "0207.436.874"))
    assert third.status == 429 and third.json()["code"] == "TOO_MANY_REQUESTS"  # this address's two are used
    assert int(third.headers["retry-after"]) == 11 * 3600 + 30 * 60  # the day's window ends at midnight UTC


def test_an_organisation_asking_from_many_addresses_is_limited_too(api, small_limits, monkeypatch):
    addresses = iter(f"198.51.100.{n}" for n in range(1, 10))
    monkeypatch.setattr("ebox.api.requests.CurrentRequest.source_address", lambda self: next(addresses))
    statuses = [json_call(api, "POST", f"{ADMIN}/sender-requests", request_of(api, "0207.436.874")).status
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    other = json_call(api, "POST", f"{ADMIN}/sender-requests", request_of(api, "0406.798.006"))
    assert other.status == 201
