"""What the domain needs from the outside world. Adapters implement these; tests use fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.evidence_batches import ArchiveEntry
from ebox.domain.message import Message, ReceivedDocument, StoredAttachment
from ebox.domain.message_filter import MessageFilter
from ebox.domain.notification_preferences import Kind, NotificationPreference
from ebox.domain.notification_schedule import BackfillPage, DueMessage
from ebox.domain.partitions import EboxUser
from ebox.domain.registry import (
    Citizen,
    Enterprise,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
)


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
    """A message's evidence records, in chain order."""

    def evidence(self, message_id: str) -> list[SignedEvidence]: ...


class EvidenceArchive(Protocol):
    """The Object Lock bucket's evidence objects (ebox.domain.evidence_batches): each written once."""

    def put_batch(self, key: str, body: bytes) -> bytes | None:
        """Writes a batch object; None when written, or the object already there (a retried batch)."""
        ...

    def put_token(self, key: str, token: bytes) -> None:
        """Writes the time-stamp token of the object ``key`` (``key.tsr``), unless it is there already."""
        ...

    def has_token(self, key: str) -> bool: ...

    def read(self, key: str) -> bytes | None:
        """An object (a batch, a record archived on its own, a ``.tsr``), None if there is none."""
        ...

    def exists(self, key: str) -> bool: ...


class ArchiveEntries(Protocol):
    """Where each message's records were archived (one entry per message and batch)."""

    def record(self, entries: list[ArchiveEntry]) -> None: ...

    def entries(self, message_id: str) -> list[ArchiveEntry]: ...


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

    def backfill_index_keys_page(self, resume: str | None, scanned: int) -> BackfillPage: ...
