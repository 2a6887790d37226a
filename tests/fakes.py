"""In-memory implementations of the domain's ports, and factories for domain objects."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from ebox.domain.errors import DuplicatePublication, IdempotencyKeyReused
from ebox.domain.evidence import ChainHead, SignedEvidence
from ebox.domain.message import Message, ReceivedDocument, StoredAttachment
from ebox.domain.message_action import DONE, TODO
from ebox.domain.message_filter import MessageFilter, matches
from ebox.domain.ports import EboxSummary, IdempotencyClaim, IdempotencyRecord, ReplyLink
from ebox.domain.registry import (
    Citizen,
    Enterprise,
    MessageType,
    OAuthClient,
    SenderApplication,
    SenderOrganization,
    ValidityPeriod,
)

SENDER = "0406798006"
RECIPIENT = "0852093431"
OTHER = "0403019261"
PAPER_ONLY = "0220916609"
INACTIVE = "0428759497"
CITIZEN = "85073003328"  # opened My eBox
CITIZEN_WITHOUT_EBOX = "90011501277"


def b64url_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def message_json(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sender": {"eboxType": "enterprise", "enterpriseNumber": SENDER},
        "senderApplicationId": "demo-app",
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": RECIPIENT},
        "messageTypeId": "demo-notice",
        "subject": {"fr": "Avis de cotisation", "nl": "Bijdragebericht"},
        "attachments": [{"httpPartName": "upfile1", "isMainContent": True}],
    }
    body.update(overrides)
    return body


def document(name: str = "upfile1", data: bytes = b"%PDF-1.7 demo", media_type: str = "application/pdf",
             file_name: str = "notice.pdf") -> ReceivedDocument:
    return ReceivedDocument(name, file_name, media_type, len(data), b64url_sha256(data), f"staging/x/{name}")


class FakeRegistry:
    def __init__(self) -> None:
        self.enterprises = {
            RECIPIENT: Enterprise(RECIPIENT, "Demo Bakery", True, True, "office@bakery.example"),
            OTHER: Enterprise(OTHER, "Demo Logistics", True, True, "admin@logistics.example"),
            PAPER_ONLY: Enterprise(PAPER_ONLY, "Paper Only", True, False),
            INACTIVE: Enterprise(INACTIVE, "Dissolved", False, False),
        }
        self.applications = {
            (SENDER, "demo-app"): SenderApplication(SENDER, "demo-app", {"fr": "Démo"}, frozenset({"demo-notice"}))
        }
        self.types = {"demo-notice": MessageType("demo-notice", {"fr": "Avis"}, ValidityPeriod(2, "year"), "both")}
        self.citizens = {CITIZEN: Citizen(CITIZEN, "Anna", True, "anna@example.be"),
                         CITIZEN_WITHOUT_EBOX: Citizen(CITIZEN_WITHOUT_EBOX, "Jean", False)}
        self.clients: dict[str, OAuthClient] = {}

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        return self.enterprises.get(enterprise_number)

    def citizen(self, ssin: str) -> Citizen | None:
        return self.citizens.get(ssin)

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        return self.applications.get((organization_id, application_id))

    def sender_organization(self, organization_id: str) -> SenderOrganization | None:
        return SenderOrganization(organization_id, {"fr": "ONSS"}) if organization_id == SENDER else None

    def message_type(self, message_type_id: str) -> MessageType | None:
        return self.types.get(message_type_id)

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        return self.clients.get(client_id)


@dataclass
class FakeContent:
    objects: dict[str, bytes] = field(default_factory=dict)
    metadata: dict[str, Message] = field(default_factory=dict)
    discarded: list[str] = field(default_factory=list)

    def promote(self, message_id: str, attachment_id: str, doc: ReceivedDocument) -> str:
        key = f"messages/{message_id}/attachments/{attachment_id}"
        self.objects[key] = self.objects.get(doc.staged_key, b"")
        return key

    def save_metadata(self, message: Message) -> None:
        self.metadata[message.message_id] = message

    def open_document(self, attachment: StoredAttachment) -> bytes:
        return self.objects[attachment.content_key]

    def discard_staged(self, documents: list[ReceivedDocument]) -> None:
        for doc in documents:
            self.discarded.append(doc.staged_key)
            self.objects.pop(doc.staged_key, None)


@dataclass
class FakeIndex:
    messages: dict[tuple[str, str], Message] = field(default_factory=dict)
    claims: dict[tuple[str, str, str], IdempotencyRecord] = field(default_factory=dict)

    def idempotency_record(self, claim: IdempotencyClaim) -> IdempotencyRecord | None:
        return self.claims.get((claim.organization_id, claim.application_id, claim.key))

    evidence_records: dict[str, list[SignedEvidence]] = field(default_factory=dict)

    def add(self, message: Message, claim: IdempotencyClaim | None, evidence: list[SignedEvidence]) -> None:
        if claim is not None:
            existing = self.idempotency_record(claim)
            if existing and existing.request_fingerprint != claim.request_fingerprint:
                raise IdempotencyKeyReused("reused")
            if existing:
                raise DuplicatePublication("dup", message_id=existing.message_id,
                                           expiration_date=existing.expiration_date)
            self.claims[(claim.organization_id, claim.application_id, claim.key)] = IdempotencyRecord(
                message.message_id, message.expiration_date, claim.request_fingerprint)
        self.messages[(message.recipient, message.message_id)] = replace(message)
        self.evidence_records[message.message_id] = list(evidence)

    def get(self, enterprise_number: str, message_id: str) -> Message | None:
        found = self.messages.get((enterprise_number, message_id))
        return replace(found) if found else None

    def page(self, enterprise_number: str, *, page: int, page_size: int) -> list[Message]:
        mine = sorted((m for (e, _), m in self.messages.items() if e == enterprise_number),
                      key=lambda m: m.message_id, reverse=True)
        return mine[(page - 1) * page_size: page * page_size]

    def summary(self, enterprise_number: str, partitions: frozenset[str] | None = None) -> EboxSummary:
        mine = [m for (e, _), m in self.messages.items()
                if e == enterprise_number and (partitions is None or m.partition in partitions)]
        return EboxSummary(len(mine), sum(not m.read_status for m in mine), sum(m.total_size for m in mine),
                           None, None)

    def inbox(self, enterprise_number: str, *, partitions: frozenset[str] | None, wanted: MessageFilter,
              page: int, page_size: int) -> tuple[list[Message], int]:
        mine = sorted((m for (e, _), m in self.messages.items()
                       if e == enterprise_number and (partitions is None or m.partition in partitions)
                       and matches(_filtered_fields(m), wanted)), key=lambda m: m.message_id, reverse=True)
        return [replace(m) for m in mine[(page - 1) * page_size: page * page_size]], len(mine)

    def set_visibility(self, enterprise_number: str, changes: dict[str, bool]) -> None:
        for message_id, visible in changes.items():
            self.messages[(enterprise_number, message_id)].visible = visible

    def mark_read(self, enterprise_number: str, message_id: str, when: str, evidence: list[SignedEvidence],
                  partition: str | None = None) -> bool:
        message = self.messages[(enterprise_number, message_id)]
        if message.read_status:
            return False
        message.read_status = True
        self.evidence_records[message_id].extend(evidence)
        return True

    def record_rejection(self, record: SignedEvidence) -> None:
        self.evidence_records[record.message_id] = [record]

    def evidence_head(self, message_id: str) -> ChainHead:
        records = self.evidence_records.get(message_id, [])
        return ChainHead(records[-1].sequence, records[-1].record_hash) if records else ChainHead.empty()

    def evidence(self, message_id: str) -> list[SignedEvidence]:
        return list(self.evidence_records.get(message_id, []))

    def mark_action_done(self, enterprise_number: str, message_id: str, *, when: str, by: str) -> bool:
        message = self.messages[(enterprise_number, message_id)]
        if message.action is None or message.action.status == DONE:
            return False
        message.action = message.action.done(at=when, by=by)
        return True

    def replies(self, message_id: str) -> list[ReplyLink]:
        return [ReplyLink(m.message_id, m.recipient, m.receipt_date) for m in self.messages.values()
                if m.is_reply and m.original_message_id == message_id]


def _filtered_fields(message: Message) -> dict[str, object]:
    return {"receipt_date": message.receipt_date, "expiration_date": message.expiration_date,
            "read_status": message.read_status, "visible": message.visible,
            "message_type_id": message.message_type_id, "sender_organization_id": message.sender_organization_id,
            "sender_application_id": message.sender_application_id, "registered_mail": message.is_registered_mail,
            "partition": message.partition, "search_text": message.searchable_text,
            "action_due": message.action.due_date if message.action and message.action.status == TODO
            and not message.content_withheld else None,
            "original_message_id": message.original_message_id if message.is_reply else None}


@dataclass
class RecordingEvents:
    published: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)

    def message_published(self, message: Message) -> None:
        self.published.append(message.message_id)

    def message_read(self, message: Message, when: str) -> None:
        self.read.append(message.message_id)

    def message_rejected(self, message_id: str, sender: str, recipient: str, code: str) -> None:
        self.published.append(f"rejected:{message_id}:{code}")


class LocalSigner:
    """An ES256 signer with an in-memory key, standing in for KMS in unit tests."""

    key_id = "unit-test-key"

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec

        self.private_key = ec.generate_private_key(ec.SECP256R1())

    def sign_jws(self, payload: dict[str, Any], *, typ: str = "JWT") -> str:
        import jwt

        return jwt.encode(payload, self.private_key, algorithm="ES256", headers={"kid": self.key_id, "typ": typ})


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def message_in(message_id: str, partition: str, **overrides: object) -> Message:
    """A stored message of the demo recipient's e-Box, in ``partition``."""
    fields: dict[str, object] = dict(
        message_id=message_id, recipient=RECIPIENT, sender_organization_id=SENDER,
        sender_application_id="demo-app", message_type_id="demo-notice", subject={"fr": "Avis"},
        receipt_date="2026-01-01T00:00:00Z", expiration_date="2028-01-01T00:00:00Z", is_body_main_content=False,
        is_reply_authorized=False, is_registered_mail=False, body=None, partition=partition)
    fields.update(overrides)
    return Message(**fields)  # type: ignore[arg-type]
