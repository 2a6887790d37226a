"""What sender onboarding, the statistics' backfill and callbacks to senders need from the outside world.
Adapters implement these; tests use fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ebox.domain.callback_keys import CallbackKey
from ebox.domain.callbacks import CallbackEndpoint, Delivery
from ebox.domain.onboarding import SenderRequest
from ebox.domain.registry import (
    ExternalClient,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
)
from ebox.domain.statistics_backfill import BackfillProgress, StoredMessage


@dataclass(frozen=True)
class KeylessClient:
    """A client of ours or of the senders' external IdP without an API key of its own (decision 0024)."""

    client_id: str
    external: bool
    organization_id: str | None


@dataclass(frozen=True)
class KeylessPage:
    """One step of the keys' backfill: the clients without a key among the items read, and where the next step
    starts (None: the table is read to its end)."""

    clients: list[KeylessClient]
    resume: str | None


class SenderRequests(Protocol):
    """Sender onboarding requests (ebox.domain.onboarding), kept for the operator's review."""

    def add(self, request: SenderRequest) -> None: ...

    def get(self, request_id: str) -> SenderRequest | None: ...

    def listed(self, status: str | None = None) -> list[SenderRequest]: ...

    def decide(self, request: SenderRequest) -> bool:
        """Writes a decided request only while the stored one is still PENDING; False otherwise."""
        ...


class SenderRegistry(Protocol):
    """The registry as onboarding writes it: trios, message types, OAuth clients, suspensions."""

    def stored_message_type(self, message_type_id: str) -> MessageType | None:
        """The message type as stored now (never from a cache)."""
        ...

    def save_sender_organization(self, organization: SenderOrganization) -> None: ...

    def save_sender_application(self, application: SenderApplication) -> None: ...

    def save_message_type(self, message_type: MessageType) -> None: ...

    def add_oauth_client(self, client: OAuthClient) -> bool:
        """Creates the client only if its id is free; False when it exists (nothing is changed)."""
        ...

    def add_external_client(self, client: ExternalClient) -> bool:
        """Records an external IdP's client as a sender only if its id is free; False when it exists."""
        ...

    def sender_suspended(self, organization_id: str) -> bool: ...

    def suspend_sender(self, organization_id: str, *, reason: str, since: str, by: str) -> None: ...

    def reinstate_sender(self, organization_id: str) -> None: ...


class StoredMessages(Protocol):
    """The messages table read a page at a time, for the statistics' backfill."""

    def page(self, cursor: str | None, limit: int) -> tuple[list[StoredMessage], str | None]:
        """Up to ``limit`` items read from ``cursor`` (None: the start): their messages and the next cursor
        (None: the end)."""
        ...


class StatisticsRebuild(Protocol):
    """The statistics table as a backfill changes it: its progress, and a page of the wipe."""

    def progress(self) -> BackfillProgress | None: ...

    def save_progress(self, progress: BackfillProgress, *, seen_version: int | None) -> bool:
        """Saves it if the saved one is still ``seen_version`` (None: none saved); False otherwise."""
        ...

    def wipe_page(self, cursor: str | None, limit: int) -> tuple[int, str | None]:
        """Removes a page's rebuildable items (ebox.domain.statistics_backfill); how many, and the next cursor."""
        ...


class CallbackKeyStore(Protocol):
    """The keys that sign callbacks (ebox.domain.callback_keys), published and rotated."""

    def keys(self) -> list[CallbackKey]:
        """Every key, the template's KMS key included, retired ones too."""
        ...

    def new_key(self, now: datetime) -> CallbackKey:
        """A fresh P-256 key whose private half is encrypted by KMS; not saved yet."""
        ...

    def save(self, key: CallbackKey) -> None: ...


class CallbackEndpoints(Protocol):
    """The endpoints senders registered, one per (organisation, application)."""

    def endpoint(self, organization_id: str, application_id: str) -> CallbackEndpoint | None: ...

    def endpoints(self, organization_id: str) -> list[CallbackEndpoint]: ...

    def save_endpoint(self, endpoint: CallbackEndpoint) -> None: ...

    def delete_endpoint(self, organization_id: str, application_id: str) -> None: ...


class CallbackDeliveries(Protocol):
    def add(self, delivery: Delivery) -> bool:
        """Records a new delivery; False when one of that id exists (a duplicate bus delivery)."""
        ...

    def get(self, organization_id: str, delivery_id: str) -> Delivery | None: ...

    def save(self, delivery: Delivery) -> None: ...

    def listed(self, organization_id: str, status: str | None = None) -> list[Delivery]: ...


@dataclass(frozen=True)
class CallbackAnswer:
    status: int
    body: bytes


class CallbackTransport(Protocol):
    def deliver(self, url: str, event: dict[str, Any]) -> CallbackAnswer:
        """POSTs the CloudEvent, signed; raises CallbackUnreachable when no HTTP answer came back."""
        ...


class CallbackRetries(Protocol):
    def retry(self, organization_id: str, delivery_id: str, *, delay_seconds: int, due_at: str,
              after_attempts: int) -> None:
        """Asks for another attempt of the delivery at ``due_at`` (queued, delayed), valid only while the
        delivery has made ``after_attempts`` attempts (a duplicate queue message then changes nothing)."""
        ...
