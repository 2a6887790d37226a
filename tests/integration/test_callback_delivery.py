"""Callbacks to senders against a real (local) endpoint that verifies every signature: the challenge,
a signed CloudEvent, an outage retried with backoff, dead-lettering after 24 hours with the last error,
a redelivery on request, and no event for another sender. The queue is in memory and the clock is the
tests' own: retries are driven by taking the queued messages in turn, never by waiting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ebox.adapters.callback_http import CallbackRequestSigner, HttpCallbackTransport, OneKey, OutgoingRequest
from ebox.domain.callbacks import DeliveryStatus, EndpointStatus
from ebox.pipeline.callbacks import CallbackPorts, handle_message, redeliver, register_endpoint
from http_message_signatures import InvalidSignature

from tests import events as sample_events
from tests.callback_fakes import LocalP256Key, MemoryCallbacks, QueuedRetries
from tests.callback_receiver import running_receiver, verify_callback

SENDER, OTHER_SENDER, APP = "0406798006", "0207436874", "demo-app"
START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def world():
    signer = CallbackRequestSigner(OneKey(LocalP256Key()))
    store, retries = MemoryCallbacks(), QueuedRetries()
    ports = CallbackPorts(endpoints=store, deliveries=store, transport=HttpCallbackTransport(signer, timeout=5),
                          retries=retries)
    with running_receiver(signer.key_set) as receiver:
        yield ports, store, retries, receiver, signer


def bus_event(detail_type: str = "MessageRead", *, sender: str = SENDER, app: str = APP,
              event_id: str = "e-1") -> dict[str, Any]:
    return sample_events.bus_event(detail_type, {
        "messageId": "m-1", "recipient": {"eboxType": "enterprise", "enterpriseNumber": "0852093431"},
        "senderOrganizationId": sender, "senderApplicationId": app, "readAt": "2026-11-30T08:00:00Z"}, id=event_id)


def registered(ports, receiver, *, organization=SENDER, events=("message.read",), now=START):
    return register_endpoint({"url": receiver.url, "events": list(events)}, ports, organization_id=organization,
                             application_id=APP, now=now, allow_loopback=True)


def test_an_endpoint_is_verified_by_its_challenge_then_receives_signed_cloudevents(world):
    ports, store, _, receiver, _ = world
    assert registered(ports, receiver).status == EndpointStatus.VERIFIED
    handle_message(bus_event(), ports, now=START)
    [event] = receiver.wait_for(1)
    assert event["specversion"] == "1.0" and event["type"] == "be.ebox.message.read"
    assert event["subject"] == "m-1" and event["data"]["readAt"] == "2026-11-30T08:00:00Z"
    [delivery] = store.listed(SENDER)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    handle_message(bus_event(), ports, now=START)  # the bus delivered the event twice: sent once
    assert len(receiver.received) == 1


def test_an_endpoint_that_does_not_echo_the_challenge_receives_nothing(world):
    ports, store, _, receiver, _ = world
    receiver.echo_challenge = False
    endpoint = registered(ports, receiver)
    assert endpoint.status == EndpointStatus.PENDING_VERIFICATION and "challenge" in (endpoint.last_error or "")
    handle_message(bus_event(), ports, now=START)
    assert receiver.received == [] and store.listed(SENDER) == []


def test_an_outage_is_retried_with_growing_delays_until_the_endpoint_answers(world):
    ports, store, retries, receiver, _ = world
    registered(ports, receiver)
    receiver.down = True
    handle_message(bus_event(), ports, now=START)
    now, delays = START, []
    for _ in range(3):
        message = retries.take()
        delays.append(message["delay"])
        now = datetime.fromisoformat(message["retry"]["dueAt"].replace("Z", "+00:00"))
        handle_message(message, ports, now=now)
    assert delays == [30, 60, 120] and len(receiver.refused) == 4
    handle_message(message, ports, now=now)  # the queue delivered that retry twice: no second attempt
    assert len(receiver.refused) == 4 and len(retries.queued) == 1
    [delivery] = store.listed(SENDER)
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == "HTTP 503"
    receiver.down = False
    message = retries.take()
    handle_message(message, ports, now=datetime.fromisoformat(message["retry"]["dueAt"].replace("Z", "+00:00")))
    assert [e["id"] for e in receiver.wait_for(1)] == ["e-1"]
    assert store.listed(SENDER)[0].status == DeliveryStatus.DELIVERED and store.listed(SENDER)[0].attempts == 5


def test_after_24_hours_of_failures_the_delivery_is_dead_lettered_with_its_last_error_then_redelivered(world):
    ports, store, retries, receiver, _ = world
    registered(ports, receiver)
    receiver.down = True
    handle_message(bus_event(), ports, now=START)
    now = START
    while retries.queued:
        message = retries.take()
        assert message["delay"] <= 900  # SQS delays at most 15 minutes: longer waits are chained
        now = max(now, datetime.fromisoformat(message["retry"]["dueAt"].replace("Z", "+00:00"))
                  if message["delay"] < 900 else now + timedelta(seconds=900))
        handle_message(message, ports, now=now)
    [failed] = store.listed(SENDER, DeliveryStatus.FAILED)
    assert failed.last_error == "HTTP 503" and failed.attempts > 10
    assert START + timedelta(hours=23) <= now < START + timedelta(hours=24)
    assert receiver.received == []

    receiver.down = False
    again = redeliver(SENDER, failed.delivery_id, ports, now=now)
    assert again.status == DeliveryStatus.PENDING
    handle_message(retries.take(), ports, now=now)
    assert receiver.wait_for(1)[0]["id"] == "e-1"
    assert store.listed(SENDER)[0].status == DeliveryStatus.DELIVERED


def test_an_unreachable_endpoint_is_retried_with_the_reason(world):
    ports, store, retries, receiver, _ = world
    registered(ports, receiver)
    store.save_endpoint(store.endpoint(SENDER, APP).__class__(  # the sender's server went away entirely
        SENDER, APP, "http://127.0.0.1:9/gone", frozenset({"message.read"}), EndpointStatus.VERIFIED))
    handle_message(bus_event(), ports, now=START)
    [delivery] = store.listed(SENDER)
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error.startswith("unreachable: ")
    assert len(retries.queued) == 1


def test_a_sender_never_receives_another_sender_s_events_nor_those_it_did_not_ask_for(world):
    ports, store, _, receiver, _ = world
    registered(ports, receiver, events=("qualified.accepted",))
    handle_message(bus_event(sender=OTHER_SENDER, event_id="other"), ports, now=START)  # another sender's
    handle_message(bus_event(event_id="read"), ports, now=START)  # not subscribed
    handle_message(bus_event(app="demo-basic", event_id="app"), ports, now=START)  # another application's
    handle_message(bus_event("RegisteredMessageAccepted", event_id="accepted"), ports, now=START)
    assert [e["id"] for e in receiver.wait_for(1)] == ["m-1.qualified.accepted"]  # an outcome: once per message
    assert store.listed(OTHER_SENDER) == []


def test_a_qualified_outcome_put_twice_on_the_bus_is_one_callback(world):
    """A retried workflow step puts its outcome's event again, with an id of its own (reliability.md)."""
    ports, store, _, receiver, _ = world
    registered(ports, receiver, events=("qualified.accepted",))
    handle_message(bus_event("RegisteredMessageAccepted", event_id="first"), ports, now=START)
    handle_message(bus_event("RegisteredMessageAccepted", event_id="again"), ports, now=START)
    assert [e["id"] for e in receiver.wait_for(1)] == ["m-1.qualified.accepted"]
    assert len([d for d in store.listed(SENDER) if "qualified.accepted" in d.delivery_id]) == 1


def test_a_tampered_callback_fails_verification(world):
    ports, _, _, receiver, signer = world
    body = json.dumps({"specversion": "1.0", "id": "x"}).encode()
    request = OutgoingRequest("POST", receiver.url, {"Content-Type": "application/cloudevents+json"})
    signer.sign(request, body)
    headers = dict(request.headers)
    assert verify_callback("POST", receiver.url, headers, body, signer.key_set())["id"] == "x"
    with pytest.raises(InvalidSignature):
        verify_callback("POST", receiver.url, headers, body.replace(b'"x"', b'"y"'), signer.key_set())
    with pytest.raises(InvalidSignature):
        verify_callback("POST", receiver.url + "?to=elsewhere", headers, body, signer.key_set())
    with pytest.raises(InvalidSignature):
        verify_callback("POST", receiver.url, headers, body, CallbackRequestSigner(OneKey(LocalP256Key())).key_set())
