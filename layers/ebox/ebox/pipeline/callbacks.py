"""The use cases of callbacks to senders: registering and verifying an endpoint, turning a bus event into
deliveries, attempting one (retried with backoff through the queue for 24 hours, then dead-lettered), and
redelivering a failed one on the sender's request.

The queue carries two kinds of message: an EventBridge event (the rule's target), fanned out to the
endpoints of the sender it concerns, and ``{"retry": {...}}`` (a delivery's next attempt, delayed; SQS
delays at most 15 minutes, so a longer wait is a chain of delayed messages)."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ebox.domain.callbacks import (
    CallbackEndpoint,
    Delivery,
    DeliveryStatus,
    EndpointStatus,
    cloudevent,
    delivery_id,
    occurrence_id,
    parse_endpoint,
    route_event,
    verification_event,
)
from ebox.domain.errors import CallbackUnreachable, NotFound
from ebox.domain.sender_ports import CallbackDeliveries, CallbackEndpoints, CallbackRetries, CallbackTransport
from ebox.domain.validity import format_timestamp

logger = logging.getLogger(__name__)
MAX_QUEUE_DELAY = 900  # SQS DelaySeconds at most


@dataclass(frozen=True)
class CallbackPorts:
    endpoints: CallbackEndpoints
    deliveries: CallbackDeliveries
    transport: CallbackTransport
    retries: CallbackRetries


def register_endpoint(data: Any, ports: CallbackPorts, *, organization_id: str, application_id: str,
                      now: datetime, allow_loopback: bool) -> CallbackEndpoint:
    """Saves the endpoint and challenges it at once; it receives events only once it answered."""
    endpoint = parse_endpoint(data, organization_id=organization_id, application_id=application_id,
                              now=format_timestamp(now), allow_loopback=allow_loopback)
    return verify_endpoint(endpoint, ports, now=now)


def verify_endpoint(endpoint: CallbackEndpoint, ports: CallbackPorts, *, now: datetime) -> CallbackEndpoint:
    """POSTs a signed verification CloudEvent; the endpoint proves it is the sender's by answering 2xx with
    ``{"challenge": <the challenge it was sent>}``."""
    challenge = secrets.token_urlsafe(24)
    event = verification_event(event_id=secrets.token_hex(12), challenge=challenge, time=format_timestamp(now),
                               application_id=endpoint.application_id)
    error: str | None = None
    try:
        answer = ports.transport.deliver(endpoint.url, event)
        if not 200 <= answer.status < 300:
            error = f"the challenge was answered HTTP {answer.status}"
        elif _challenge_of(answer.body) != challenge:
            error = 'the challenge was not echoed: answer {"challenge": "<the challenge received>"}'
    except CallbackUnreachable as unreachable:
        error = f"the endpoint could not be reached: {unreachable}"
    status = EndpointStatus.VERIFIED if error is None else EndpointStatus.PENDING_VERIFICATION
    checked = replace(endpoint, status=status,
                      verified_at=format_timestamp(now) if error is None else None, last_error=error)
    ports.endpoints.save_endpoint(checked)
    return checked


def _challenge_of(body: bytes) -> str | None:
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        return None
    return answer.get("challenge") if isinstance(answer, dict) else None


def handle_message(body: dict[str, Any], ports: CallbackPorts, *, now: datetime) -> None:
    """One message of the callback queue (an SQS record's body, parsed)."""
    if "retry" in body:
        retry = body["retry"]
        attempt_again(str(retry["organizationId"]), str(retry["deliveryId"]), str(retry["dueAt"]),
                      int(retry.get("afterAttempts", 0)), ports, now=now)
    elif "detail-type" in body:
        fan_out(body, ports, now=now)
    else:
        logger.warning("callback queue: a message that is neither a bus event nor a retry was dropped")


def fan_out(event: dict[str, Any], ports: CallbackPorts, *, now: datetime) -> None:
    routed = route_event(str(event["detail-type"]), dict(event.get("detail") or {}))
    if routed is None:
        return
    for endpoint in ports.endpoints.endpoints(routed.organization_id):
        if routed.application_id not in (None, endpoint.application_id) or not endpoint.wants(routed.event):
            continue
        occurrence = occurrence_id(str(event["id"]), routed)
        delivery = Delivery(delivery_id(occurrence, endpoint.application_id), routed.organization_id,
                            endpoint.application_id, cloudevent(routed, event_id=occurrence,
                                                                time=str(event.get("time") or format_timestamp(now))),
                            window_start=format_timestamp(now))
        if not ports.deliveries.add(delivery):
            found = ports.deliveries.get(delivery.organization_id, delivery.delivery_id)
            if found is None or found.status != DeliveryStatus.PENDING or found.attempts:
                continue  # a duplicate of a bus event already handled: its own retries carry on
            delivery = found
        attempt(delivery, endpoint, ports, now=now)


def attempt(delivery: Delivery, endpoint: CallbackEndpoint, ports: CallbackPorts, *, now: datetime) -> Delivery:
    at = format_timestamp(now)
    try:
        answer = ports.transport.deliver(endpoint.url, delivery.cloudevent)
        error = None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except CallbackUnreachable as unreachable:
        error = f"unreachable: {unreachable}"
    if error is None:
        done = delivery.succeeded(at)
        ports.deliveries.save(done)
        return done
    failed, retry_in = delivery.failed(now, error, at)
    ports.deliveries.save(failed)
    if retry_in is None:
        logger.warning("callback %s of %s dead-lettered after %d attempts: %s", delivery.delivery_id,
                       delivery.organization_id, failed.attempts, error)
    else:
        _retry_later(failed, ports, now=now, due=now + timedelta(seconds=retry_in))
    return failed


def attempt_again(organization_id: str, delivery_id_: str, due_at: str, after_attempts: int, ports: CallbackPorts,
                  *, now: datetime) -> None:
    due = datetime.fromisoformat(due_at.replace("Z", "+00:00"))
    delivery = ports.deliveries.get(organization_id, delivery_id_)
    if delivery is None or delivery.status != DeliveryStatus.PENDING or delivery.attempts != after_attempts:
        return  # delivered, dead-lettered, forgotten, or a duplicate of a retry already made
    if due > now + timedelta(seconds=1):
        _retry_later(delivery, ports, now=now, due=due)  # a wait longer than one SQS delay: the next link
        return
    endpoint = ports.endpoints.endpoint(organization_id, delivery.application_id)
    if endpoint is None or endpoint.status != EndpointStatus.VERIFIED:
        ports.deliveries.save(delivery.abandoned(format_timestamp(now), "the endpoint was removed or is not verified"))
        return
    attempt(delivery, endpoint, ports, now=now)


def redeliver(organization_id: str, delivery_id_: str, ports: CallbackPorts, *, now: datetime) -> Delivery:
    """A dead-lettered delivery, again: a new 24 hours of retries starting now."""
    delivery = ports.deliveries.get(organization_id, delivery_id_)
    if delivery is None:
        raise NotFound(f"no callback delivery {delivery_id_}")
    again = delivery.redelivered(format_timestamp(now))
    ports.deliveries.save(again)
    _retry_later(again, ports, now=now, due=now)
    return again


def _retry_later(delivery: Delivery, ports: CallbackPorts, *, now: datetime, due: datetime) -> None:
    delay = max(0, min(MAX_QUEUE_DELAY, int((due - now).total_seconds())))
    ports.retries.retry(delivery.organization_id, delivery.delivery_id, delay_seconds=delay,
                        due_at=format_timestamp(due), after_attempts=delivery.attempts)
