"""What the domain needs from the outside world. Adapters implement these; tests use fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.message import Message, ReceivedDocument, StoredAttachment
from ebox.domain.message_filter import MessageFilter
from ebox.domain.registry import Enterprise, MessageType, OAuthClient, SenderApplication, SenderOrganization


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

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None: ...

    def sender_organization(self, organization_id: str) -> SenderOrganization | None: ...

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

    def message_rejected(self, message_id: str, sender: str, recipient: str, code: str) -> None: ...
