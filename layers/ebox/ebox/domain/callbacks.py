"""Callbacks to senders: the endpoint a sender registers per application, which platform events become
which CloudEvents 1.0 and for whom, and the retry policy of a delivery (backoff for 24 hours, then
dead-lettered, visible to the sender with its last error). No I/O here: the use cases are in
:mod:`ebox.pipeline.callbacks`."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from ebox.domain.errors import InvalidInput, RequestStateConflict
from ebox.domain.message import REPLY_APPLICATION_ID
from ebox.domain.recipients import ebox_id_of

# What a sender may subscribe to, and the bus events (detail-type) each comes from.
EVENTS = {
    "message.read": "MessageRead",
    "qualified.accepted": "RegisteredMessageAccepted",
    "qualified.refused": "RegisteredMessageRefused",
    "qualified.expired": "RegisteredMessageExpired",
    "action.done": "MessageActionDone",
    "reply.received": "MessagePublished",  # a reply is a message published to the sender's own e-Box
    "bulk.completed": "BulkImportCompleted",
}
CLOUDEVENT_TYPE_PREFIX = "be.ebox."
VERIFICATION_TYPE = "be.ebox.callback.verification"
SOURCE = "/messageRegistry/v3"
RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 30, 3600
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class EndpointStatus(StrEnum):
    """An endpoint is called back only once it has answered its challenge."""

    PENDING_VERIFICATION = "PENDING_VERIFICATION"
    VERIFIED = "VERIFIED"


class DeliveryStatus(StrEnum):
    """A delivery is retried while PENDING; FAILED is dead-lettered (the sender may ask for it again)."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class CallbackEndpoint:
    organization_id: str
    application_id: str
    url: str
    events: frozenset[str]
    status: EndpointStatus = EndpointStatus.PENDING_VERIFICATION
    registered_at: str = ""
    verified_at: str | None = None
    last_error: str | None = None

    def wants(self, event: str) -> bool:
        return self.status == EndpointStatus.VERIFIED and event in self.events

    def view(self) -> dict[str, Any]:
        view: dict[str, Any] = {"applicationId": self.application_id, "url": self.url, "events": sorted(self.events),
                                "status": self.status, "registeredAt": self.registered_at}
        for key, value in (("verifiedAt", self.verified_at), ("lastError", self.last_error)):
            if value:
                view[key] = value
        return view


@dataclass(frozen=True)
class RoutedEvent:
    """A platform event as one sender's callback: whose it is, which application (None: any of the sender's
    applications that subscribed), the event name and the CloudEvent's subject and data."""

    organization_id: str
    application_id: str | None
    event: str
    subject: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """One CloudEvent for one endpoint, and how its delivery went."""

    delivery_id: str
    organization_id: str
    application_id: str
    cloudevent: dict[str, Any]
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    window_start: str = ""  # the 24 hours of retries count from here (reset by a redelivery)
    last_attempt_at: str | None = None
    last_error: str | None = None
    delivered_at: str | None = None

    def view(self) -> dict[str, Any]:
        view: dict[str, Any] = {"deliveryId": self.delivery_id, "applicationId": self.application_id,
                                "status": self.status, "attempts": self.attempts, "event": self.cloudevent}
        for key, value in (("lastAttemptAt", self.last_attempt_at), ("lastError", self.last_error),
                           ("deliveredAt", self.delivered_at)):
            if value:
                view[key] = value
        return view

    def succeeded(self, at: str) -> Delivery:
        return replace(self, status=DeliveryStatus.DELIVERED, attempts=self.attempts + 1, last_attempt_at=at,
                       delivered_at=at, last_error=None)

    def failed(self, at: datetime, error: str, at_text: str) -> tuple[Delivery, int | None]:
        """The delivery after a failed attempt, and the seconds until the next one (None: dead-lettered)."""
        attempts = self.attempts + 1
        retry_in = retry_delay(attempts)
        start = datetime.fromisoformat(self.window_start.replace("Z", "+00:00"))
        if at + timedelta(seconds=retry_in) >= start + RETRY_WINDOW:
            failed = replace(self, status=DeliveryStatus.FAILED, attempts=attempts, last_attempt_at=at_text,
                             last_error=error)
            return failed, None
        return replace(self, attempts=attempts, last_attempt_at=at_text, last_error=error), retry_in

    def abandoned(self, at: str, error: str) -> Delivery:
        """Dead-lettered without an attempt (its endpoint is gone or no longer verified)."""
        return replace(self, status=DeliveryStatus.FAILED, last_attempt_at=at, last_error=error)

    def redelivered(self, at: str) -> Delivery:
        if self.status != DeliveryStatus.FAILED:
            raise RequestStateConflict(f"delivery {self.delivery_id} is {self.status}: only a failed one is resent")
        return replace(self, status=DeliveryStatus.PENDING, window_start=at)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 30 s, doubling, at most an hour."""
    return int(min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


def parse_endpoint(data: Any, *, organization_id: str, application_id: str, now: str,
                   allow_loopback: bool = False) -> CallbackEndpoint:
    if not isinstance(data, dict):
        raise InvalidInput("a callback endpoint is {url, events}")
    url = data.get("url")
    if not isinstance(url, str) or len(url) > 2000:
        raise InvalidInput("url is required: the HTTPS address of the endpoint")
    check_url(url, allow_loopback=allow_loopback)
    events = data.get("events")
    if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
        raise InvalidInput(f"events is a non-empty list of {', '.join(EVENTS)}")
    return CallbackEndpoint(organization_id, application_id, url, frozenset(events), registered_at=now)


def check_url(url: str, *, allow_loopback: bool) -> None:
    """HTTPS to a public host; plain HTTP and loopback only where the configuration allows them (the local
    stack and its tests): a Lambda's loopback and private addresses are not a sender's to reach."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise InvalidInput("url needs a host and no credentials")
    if allow_loopback and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https":
        raise InvalidInput("url must be https")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host in LOOPBACK_HOSTS or host.endswith((".internal", ".local", ".localhost")):
            raise InvalidInput("url must name a public host") from None
        return
    if not address.is_global:
        raise InvalidInput("url must name a public host")


def route_event(detail_type: str, detail: dict[str, Any]) -> RoutedEvent | None:
    """The sender an event of the bus concerns, or None when it concerns no sender."""
    event = next((name for name, source in EVENTS.items() if source == detail_type), None)
    if event is None:
        return None
    if detail_type == "BulkImportCompleted":
        sender = detail.get("sender")
        return RoutedEvent(str(sender), None, "bulk.completed", str(detail.get("batchId", "")), dict(detail)) \
            if sender else None
    if detail_type == "MessagePublished":
        if detail.get("senderApplicationId") != REPLY_APPLICATION_ID:
            return None  # a plain publication is the sender's own doing: nothing to call back
        replying = ebox_id_of(detail.get("recipient") or {})
        data = {"messageId": detail.get("messageId"), "receiptDate": detail.get("receiptDate"),
                "from": detail.get("senderOrganizationId"), "subject": detail.get("subject")}
        return RoutedEvent(replying, None, "reply.received", str(detail.get("messageId")), data)
    organization = detail.get("senderOrganizationId")
    if not organization:
        return None
    data = {k: v for k, v in detail.items() if k not in ("senderOrganizationId",)}
    return RoutedEvent(str(organization), detail.get("senderApplicationId"), event, str(detail.get("messageId")),
                       data)


def cloudevent(routed: RoutedEvent, *, event_id: str, time: str) -> dict[str, Any]:
    """A CloudEvents 1.0 event in the structured JSON format."""
    return {"specversion": "1.0", "id": event_id, "source": SOURCE, "type": CLOUDEVENT_TYPE_PREFIX + routed.event,
            "subject": routed.subject, "time": time, "datacontenttype": "application/json", "data": routed.data}


def verification_event(*, event_id: str, challenge: str, time: str, application_id: str) -> dict[str, Any]:
    """The challenge an endpoint answers, before any event goes to it: `{"challenge": <the same>}`."""
    return {"specversion": "1.0", "id": event_id, "source": SOURCE, "type": VERIFICATION_TYPE,
            "subject": application_id, "time": time, "datacontenttype": "application/json",
            "data": {"challenge": challenge}}


def occurrence_id(event_id: str, routed: RoutedEvent) -> str:
    """What makes two bus events one occurrence: their id, except for a qualified outcome, which happens
    once per message (a retried workflow step may put its event twice, each with an id of its own)."""
    return f"{routed.subject}.{routed.event}" if routed.event.startswith("qualified.") else event_id


def delivery_id(event_id: str, application_id: str) -> str:
    """One delivery per bus event and endpoint: a duplicate bus delivery finds it already there."""
    return f"{event_id}.{application_id}"
