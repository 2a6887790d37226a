"""The rules of callbacks: which URLs a sender may register, which events go to whom, the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ebox.domain.callbacks import (
    Delivery,
    DeliveryStatus,
    check_url,
    parse_endpoint,
    retry_delay,
    route_event,
)
from ebox.domain.errors import InvalidInput, RequestStateConflict
from ebox.domain.message import REPLY_APPLICATION_ID


@pytest.mark.parametrize("url", ["https://sender.example/hooks", "https://93.184.216.34:8443/x"])
def test_a_public_https_url_is_accepted(url):
    check_url(url, allow_loopback=False)


@pytest.mark.parametrize("url", ["http://sender.example/hooks", "https://127.0.0.1/x", "https://localhost/x",
                                 "https://10.0.0.5/x", "https://169.254.169.254/latest", "https://[::1]/x",
                                 "https://user:pw@sender.example/x", "https://metadata.internal/x", "ftp://x.example/"])
def test_plain_http_private_and_loopback_addresses_are_refused(url):
    with pytest.raises(InvalidInput):
        check_url(url, allow_loopback=False)


def test_loopback_is_allowed_only_where_configured():
    check_url("http://127.0.0.1:8123/hook", allow_loopback=True)
    with pytest.raises(InvalidInput):
        check_url("http://10.0.0.5/hook", allow_loopback=True)


def test_an_endpoint_names_known_events():
    with pytest.raises(InvalidInput, match="events"):
        parse_endpoint({"url": "https://s.example/h", "events": ["message.deleted"]}, organization_id="o",
                       application_id="a", now="t")


def test_events_go_to_the_sender_of_the_message_and_its_application():
    read = route_event("MessageRead", {"messageId": "m", "senderOrganizationId": "0406798006",
                                       "senderApplicationId": "demo-app", "readAt": "t"})
    assert read is not None and (read.organization_id, read.application_id, read.event) == (
        "0406798006", "demo-app", "message.read")
    assert "senderOrganizationId" not in read.data
    assert route_event("MessagePublished", {"messageId": "m", "senderOrganizationId": "0406798006",
                                            "senderApplicationId": "demo-app"}) is None
    reply = route_event("MessagePublished", {"messageId": "r", "senderOrganizationId": "0852093431",
                                             "senderApplicationId": REPLY_APPLICATION_ID,
                                             "recipient": {"eboxType": "enterprise", "enterpriseNumber": "0406798006",
                                                           "eboxIdValue": "0406798006"}})
    assert reply is not None and (reply.organization_id, reply.event) == ("0406798006", "reply.received")
    bulk = route_event("BulkImportCompleted", {"batchId": "b", "sender": "0406798006", "status": "COMPLETED"})
    assert bulk is not None and bulk.application_id is None
    assert route_event("newDocumentReminder", {"messageId": "m"}) is None


def test_retries_double_from_30_seconds_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8, 30)] == [30, 60, 120, 1920, 3600, 3600]


def test_a_delivery_is_dead_lettered_when_its_next_attempt_would_fall_after_24_hours():
    start = datetime(2026, 11, 30, tzinfo=UTC)
    delivery = Delivery("d", "o", "a", {}, window_start="2026-11-30T00:00:00Z", attempts=20)
    still, retry_in = delivery.failed(start + timedelta(hours=22), "HTTP 500", "t")
    assert still.status == DeliveryStatus.PENDING and retry_in == 3600
    failed, retry_in = delivery.failed(start + timedelta(hours=23, minutes=30), "HTTP 500", "t")
    assert failed.status == DeliveryStatus.FAILED and retry_in is None and failed.last_error == "HTTP 500"
    assert failed.redelivered("2026-12-01T00:00:00Z").status == DeliveryStatus.PENDING
    with pytest.raises(RequestStateConflict):
        still.redelivered("t")


def test_a_rotation_keeps_the_replaced_key_published_for_its_grace_period():
    from datetime import UTC, datetime, timedelta

    from ebox.domain.callback_keys import (
        ACTIVE,
        DEFAULT_GRACE_DAYS,
        RETIRED,
        RETIRING,
        CallbackKey,
        parse_rotation,
        published,
        retired_by_rotation,
        signing_key,
    )
    from ebox.domain.errors import InvalidInput

    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    template = CallbackKey("kms-key", {"kid": "kms-key"}, "")
    new = CallbackKey("cb-new", {"kid": "cb-new"}, now.isoformat(), wrapped=b"x")
    assert signing_key([template]) is template
    [old] = retired_by_rotation([template], now, 7)
    assert signing_key([old, new]) is new
    assert [k.kid for k in published([old, new], now)] == ["cb-new", "kms-key"]
    assert old.status(now) == RETIRING and new.status(now) == ACTIVE
    assert old.status(now + timedelta(days=7, seconds=1)) == RETIRED
    assert [k.kid for k in published([old, new], now + timedelta(days=8))] == ["cb-new"]
    [withdrawn] = retired_by_rotation([template], now, 0)
    assert withdrawn.status(now) == RETIRED
    assert parse_rotation(None) == DEFAULT_GRACE_DAYS and parse_rotation({"graceDays": 0}) == 0
    for body in ({"graceDays": 91}, {"graceDays": -1}, {"graceDays": "7"}, {"graceDays": True}, {"days": 7}):
        with pytest.raises(InvalidInput):
            parse_rotation(body)
