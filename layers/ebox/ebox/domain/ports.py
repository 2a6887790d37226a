"""What the domain needs from the outside world. Adapters implement these; tests use fakes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any, Protocol

from ebox.domain.batch_plan import BatchRef
from ebox.domain.batch_report import ChunkCounts
from ebox.domain.callback_keys import CallbackKey
from ebox.domain.callbacks import CallbackEndpoint, Delivery
from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.message import Message, ReceivedDocument, StoredAttachment
from ebox.domain.message_filter import MessageFilter
from ebox.domain.notification_preferences import Kind, NotificationPreference
from ebox.domain.notification_schedule import BackfillPage, DueMessage
from ebox.domain.onboarding import SenderRequest
from ebox.domain.partitions import EboxUser
from ebox.domain.registry import (
    Citizen,
    Enterprise,
    ExternalClient,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
)
from ebox.domain.statistics_backfill import BackfillProgress, StoredMessage


@dataclass(frozen=True)
class IdempotencyClaim:
    """A sender application's Idempotency-Key and the fingerprint of the request it came with."""

    organization_id: str
    application_id: str
    key: str
    request_fingerprint: str


@dataclass(frozen=True)
class IdempotencyRecord:
    message_id: str
    expiration_date: str
    request_fingerprint: str


@dataclass(frozen=True)
class EboxSummary:
    number_of_messages: int
    number_of_unread_messages: int
    ebox_size_bytes: int
    last_receipt_date: str | None
    last_consultation_date: str | None


@dataclass(frozen=True)
class ReplyLink:
    """A reply sent to a message: its id and the e-Box it went to (the original's sender organisation)."""

    message_id: str
    ebox: str
    receipt_date: str


class Registry(Protocol):
    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...

    def citizen(self, ssin: str) -> Citizen | None: ...

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None: ...

    def sender_organization(self, organization_id: str) -> SenderOrganization | None: ...

    def sender_suspended(self, organization_id: str) -> bool:
        """An operator suspended the organisation: its publications are refused (never cached)."""
        ...

    def message_type(self, message_type_id: str) -> MessageType | None: ...

    def oauth_client(self, client_id: str) -> OAuthClient | None: ...


class ContentStore(Protocol):
    def promote(self, message_id: str, attachment_id: str, document: ReceivedDocument) -> str:
        """Moves a staged document to its message; returns the key it now lives under."""
        ...

    def open_document(self, attachment: StoredAttachment) -> bytes: ...

    def discard_staged(self, documents: list[ReceivedDocument]) -> None: ...


class MessageIndex(Protocol):
    def idempotency_record(self, claim: IdempotencyClaim) -> IdempotencyRecord | None: ...

    def add(self, message: Message, claim: IdempotencyClaim | None, evidence: list[SignedEvidence]) -> None:
        """Makes the message visible in its e-Box, atomically with the claim and its first evidence
        records; raises DuplicatePublication / IdempotencyKeyReused when the claim was taken meanwhile."""
        ...

    def get(self, enterprise_number: str, message_id: str) -> Message | None: ...

    def page(self, enterprise_number: str, *, page: int, page_size: int) -> list[Message]: ...

    def summary(self, enterprise_number: str, partitions: frozenset[str] | None = None) -> EboxSummary: ...

    def inbox(self, enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter,
              page: int, page_size: int) -> tuple[list[Message], int]:
        """A page of the messages of ``partitions`` (None: all) that pass ``wanted``, and their number."""
        ...

    def set_visibility(self, enterprise_number: str, changes: dict[str, bool]) -> None: ...

    def mark_read(self, enterprise_number: str, message_id: str, when: str, evidence: list[SignedEvidence],
                  partition: str | None = None) -> bool:
        """Sets readStatus with its evidence; returns True when this call changed it (first opening)."""
        ...

    def evidence_head(self, message_id: str) -> ChainHead: ...

    def record_rejection(self, record: SignedEvidence) -> None: ...

    def evidence(self, message_id: str) -> list[SignedEvidence]: ...

    def mark_action_done(self, enterprise_number: str, message_id: str, *, when: str, by: str) -> bool:
        """TODO → DONE; False when it was already done (nothing changes)."""
        ...

    def replies(self, message_id: str) -> list[ReplyLink]: ...


class EvidenceSigner(Protocol):
    @property
    def key_id(self) -> str: ...

    def sign_jws(self, payload: dict[str, Any], *, typ: str = "JWT") -> str: ...


class MessageEvents(Protocol):
    def message_published(self, message: Message) -> None: ...

    def message_read(self, message: Message, when: str) -> None: ...

    def action_done(self, message: Message, when: str, by: str) -> None: ...

    def message_rejected(self, message_id: str, sender: str, recipient: str, code: str) -> None: ...

    def delivery_concluded(self, message: Message, detail_type: str, outcome: str) -> None: ...


class PublishedStream(Protocol):
    """The messages table's stream: its records read back as the messages they published."""

    def published(self, records: list[dict[str, Any]]) -> list[tuple[str, Message]]:
        """(stream sequence number, message) of each new message among ``records``."""
        ...


class OutboxIndex(Protocol):
    """What the outbox derives from published messages in the index: counters and reply links."""

    def count_published(self, published: list[tuple[str, Message]]) -> None: ...

    def link_replies(self, replies: list[Message]) -> None: ...


class EboxEvents(Protocol):
    """What the statistics learn of e-Boxes: an activation, a digital-only preference set."""

    def ebox_activated(self, ebox_id: str, ebox_type: str, activated_at: str) -> None: ...

    def ebox_preference_changed(self, ebox_id: str, ebox_type: str, exclusively: bool, changed_at: str) -> None: ...


class BufferedEvents(MessageEvents, Protocol):
    """Events held and put on the bus in batches: whoever fills it calls ``flush()`` before returning."""

    def document_event(self, event_type: str, message: Message) -> None: ...

    def announce(self, detail_type: str, detail: dict[str, Any], *, source: str) -> None:
        """An event of another source than messages' (sent at once)."""
        ...

    def flush(self) -> None: ...


class MessageReader(Protocol):
    """Messages read by their keys (the pipeline's steps, which have no reader's rights to check)."""

    def get(self, enterprise_number: str, message_id: str) -> Message | None: ...

    def many(self, keys: list[tuple[str, str]]) -> list[Message]: ...


class EvidenceLog(Protocol):
    """A message's evidence records, and which of them are archived yet."""

    def evidence(self, message_id: str) -> list[SignedEvidence]: ...

    def unarchived_evidence(self, message_id: str) -> list[SignedEvidence]: ...

    def mark_archived(self, record: SignedEvidence) -> None: ...


class EvidenceArchive(Protocol):
    def archive(self, record: SignedEvidence, timestamp_token: bytes | None) -> str: ...


class Timestamper(Protocol):
    def timestamp(self, data: bytes) -> bytes:
        """An RFC 3161 token over ``data``."""
        ...


class AuditTrail(Protocol):
    def record(self, *, message_id: str, event_type: str, event_id: str, occurred_at: str,
               detail: dict[str, Any]) -> bool:
        """Writes one event of a message; False when it was already recorded."""
        ...


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, text: str, html: str = "") -> str:
        """Sends one e-mail (with ``html``: multipart/alternative, text then HTML); answers the mail
        service's message id."""
        ...


class NotificationClaims(Protocol):
    """One claim per (kind, subject, recipient): an e-mail is sent only by whoever claimed it."""

    def claim(self, kind: Kind, subject: str, recipient: str) -> bool: ...

    def release(self, kind: Kind, subject: str, recipient: str) -> None: ...

    def sent(self, kind: Kind, subject: str, recipient: str, mail_id: str) -> None: ...


class NotificationPreferences(Protocol):
    def preferences(self, enterprise_number: str) -> list[NotificationPreference]: ...


class NotificationRegistry(Protocol):
    """What notifying needs of the register: the e-Box, its users, the sender's names."""

    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...

    def citizen(self, ssin: str) -> Citizen | None: ...

    def sender_organization(self, organization_id: str) -> SenderOrganization | None: ...

    def ebox_users(self, enterprise_number: str) -> list[EboxUser]: ...


class DueMessages(Protocol):
    """The messages of a calendar day, from the day indexes."""

    def received_on(self, day: date) -> list[DueMessage]: ...

    def expiring_on(self, day: date) -> list[DueMessage]: ...

    def backfill_index_keys(self, max_items: int) -> BackfillPage: ...


class BatchLedger(Protocol):
    """The runs of dropped batches and their state changes (conditional on the state they expect)."""

    def begin(self, ref: BatchRef, run: str, fields: Mapping[str, Any]) -> bool: ...

    def get(self, ref: BatchRef) -> dict[str, Any] | None: ...

    def move(self, ref: BatchRef, run: str, *, expected: tuple[str, ...], status: str,
             fields: Mapping[str, Any] | None = None) -> bool: ...

    def count_chunk(self, ref: BatchRef, run: str, chunk: int, counts: ChunkCounts) -> dict[str, Any] | None: ...

    def evidence_keys(self) -> list[dict[str, str]]: ...


class BatchFiles(Protocol):
    """A batch's plan, chunk results, report and summary."""

    def save_plan(self, ref: BatchRef, run: str, chunks: Iterable[dict[str, Any]]) -> tuple[int, int]: ...

    def plan(self, ref: BatchRef, run: str) -> Iterator[str]: ...

    def save_chunk_results(self, ref: BatchRef, run: str, chunk: int, results: list[dict[str, Any]]) -> None: ...

    def write_report(self, ref: BatchRef, run: str, chunks: int) -> None: ...

    def save_summary(self, summary_key: str, summary: dict[str, Any]) -> None: ...


class BatchQueue(Protocol):
    def send(self, bodies: Iterable[str]) -> int:
        """Queues the chunks; answers how many."""
        ...


class ArchiveReader(Protocol):
    """A dropped archive, read by byte ranges (never loaded whole)."""

    def open(self, bucket: str, key: str, *, version: str | None = None) -> tuple[IO[bytes], str]:
        """A seekable file of the object and its ETag; raises InvalidInput when it is gone."""
        ...

    def fetch(self, bucket: str, key: str, start: int, end: int, *, version: str | None = None,
              etag: str | None = None) -> bytes: ...


class Executions(Protocol):
    def stop(self, execution_arn: str, *, cause: str) -> bool:
        """Stops a waiting execution; False when the workflow service could not be told."""
        ...


class PresignedUrls(Protocol):
    expires_in: int

    def download_url(self, key: str) -> str: ...

    def upload_url(self, key: str) -> str: ...


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
