"""Evidence of what happened to a message, shaped on ETSI EN 319 522 (electronic registered delivery).

One record per event, for every message whatever its level. Records of a message form a chain: each
carries the SHA-256 of the previous record's signed form, so removing, reordering or editing one is
detected. Signing (JWS, ES256) and storage are the adapters' business; this module only decides
what a record says and checks chains.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from ebox.domain.encoding import b64url_encode
from ebox.domain.message import Message
from ebox.domain.recipients import recipient_ref

EVENT_URI = "http://uri.etsi.org/19522/Event/{}"
# v2: records bind the subject, body and business data too, and every chain has a signed head.
POLICY_ID = "urn:ebox:evidence-policy:v2"
JWS_TYPE = "ebox-evidence+jwt"
HEAD_TYPE = "ebox-evidence-head+jwt"


class EvidenceEvent(Enum):
    SUBMISSION_ACCEPTANCE = "SubmissionAcceptance"
    SUBMISSION_REJECTION = "SubmissionRejection"
    CONTENT_CONSIGNMENT = "ContentConsignment"
    NOTIFICATION_FOR_ACCEPTANCE = "NotificationForAcceptance"
    NOTIFICATION_FOR_ACCEPTANCE_FAILURE = "NotificationForAcceptanceFailure"
    ACCEPTANCE_BY_RECIPIENT = "AcceptanceByRecipient"
    REJECTION_BY_RECIPIENT = "RejectionByRecipient"
    ACCEPTANCE_REJECTION_EXPIRY = "AcceptanceRejectionExpiry"
    CONTENT_HANDOVER = "ContentHandover"

    @property
    def uri(self) -> str:
        return EVENT_URI.format(self.value)


@dataclass(frozen=True)
class ChainHead:
    """The last record of a message's chain: its position and the hash of its signed form."""

    sequence: int
    record_hash: str | None

    @classmethod
    def empty(cls) -> ChainHead:
        return cls(0, None)


@dataclass(frozen=True)
class SignedEvidence:
    evidence_id: str
    message_id: str
    sequence: int
    event: EvidenceEvent
    jws: str
    # On the last record of a chain: the signed head (count and hash of this record), so that a
    # verifier can tell that no record was dropped after it.
    head_jws: str | None = None

    @property
    def record_hash(self) -> str:
        return record_hash(self.jws)


def b64url_sha256(data: bytes) -> str:
    return b64url_encode(hashlib.sha256(data).digest())


def record_hash(jws: str) -> str:
    return b64url_sha256(jws.encode("ascii"))


def translated_digests(values: dict[str, str] | None) -> dict[str, str]:
    """One named field per language: the SHA-256 of the value's UTF-8 bytes, base64url."""
    return {language: b64url_sha256(text.encode("utf-8")) for language, text in sorted((values or {}).items())}


def business_data_digest(business_data: Sequence[dict[str, Any]]) -> str:
    """The SHA-256 of the business data as canonical JSON (keys sorted, no spaces, UTF-8)."""
    canonical = json.dumps(list(business_data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b64url_sha256(canonical.encode("utf-8"))


def evidence_payload(
    *,
    event: EvidenceEvent,
    message: Message,
    head: ChainHead,
    event_time: str,
    issuer: str,
    key_id: str,
    reasons: list[str] | None = None,
) -> dict[str, Any]:
    """The claims of one evidence record, next in the chain after ``head``."""
    sequence = head.sequence + 1
    payload: dict[str, Any] = {
        "evidenceId": f"{message.message_id}-{sequence:03d}",
        "sequence": sequence,
        "event": event.value,
        "eventUri": event.uri,
        "eventTime": event_time,
        "submissionTime": message.receipt_date,
        "messageId": message.message_id,
        "sender": {
            "enterpriseNumber": message.sender_organization_id,
            "applicationId": message.sender_application_id,
            **({"partition": message.sender_partition} if message.sender_partition else {}),
        },
        "recipient": recipient_ref(message.recipient),
        "registeredMail": message.is_registered_mail,
        "registeredMailType": message.registered_mail_type or "simple",
        "documents": [
            {"attachmentId": a.attachment_id, "fileName": a.file_name, "digestMethod": "sha_256",
             "digestValue": a.sha256_b64url}
            for a in message.attachments
        ],
        "subjectDigests": translated_digests(message.subject),
        "bodyDigests": translated_digests(message.body),
        "businessDataDigest": business_data_digest(message.business_data),
        "issuer": issuer,
        "keyId": key_id,
        "policyId": POLICY_ID,
        "previousRecordHash": head.record_hash,
    }
    if reasons:
        payload["reasons"] = reasons
    return payload


@dataclass(frozen=True)
class ChainFinding:
    sequence: int
    ok: bool
    what: str


def check_chain(payloads: list[dict[str, Any]], jws_list: list[str]) -> list[ChainFinding]:
    """Checks order and links of a message's records (signatures are checked separately).

    ``payloads[i]`` must be the verified payload of ``jws_list[i]``."""
    findings = []
    previous: str | None = None
    for position, (payload, jws) in enumerate(zip(payloads, jws_list, strict=True), start=1):
        expected = position
        if payload.get("sequence") != expected:
            findings.append(ChainFinding(expected, False, f"record {payload.get('sequence')} found at position "
                                                           f"{expected}: a record is missing or out of order"))
        elif payload.get("previousRecordHash") != previous:
            findings.append(ChainFinding(expected, False, "does not link to the record before it"))
        else:
            findings.append(ChainFinding(expected, True, f"{payload.get('event')} at {payload.get('eventTime')}"))
        previous = record_hash(jws)
    return findings


ISSUER = "urn:ebox:evidence-service"


def head_payload(message_id: str, last: SignedEvidence, *, at: str) -> dict[str, Any]:
    """The claims of a chain's signed head: how many records it has and the hash of the last one."""
    return {"messageId": message_id, "count": last.sequence, "lastRecordHash": last.record_hash, "headTime": at,
            "issuer": ISSUER, "policyId": POLICY_ID}


def check_head(head: dict[str, Any] | None, payloads: list[dict[str, Any]], jws_list: list[str]) -> str | None:
    """What is wrong between a chain and its verified head claims (None: the head covers it all).
    Chains of policy v1 (before heads) may come without one."""
    if head is None:
        if any(p.get("policyId") not in (None, "urn:ebox:evidence-policy:v1") for p in payloads):
            return "the chain has no signed head: records after the last one shown may have been dropped"
        return None
    if jws_list and head.get("messageId") != payloads[0].get("messageId"):
        return "the signed head is of another message"
    if head.get("count") != len(jws_list):
        return f"the signed head counts {head.get('count')} records, {len(jws_list)} were shown"
    if not jws_list or head.get("lastRecordHash") != record_hash(jws_list[-1]):
        return "the signed head does not end at the last record shown"
    return None


def sign_events(
    events: Sequence[tuple[EvidenceEvent, list[str] | None]],
    *,
    message: Message,
    head: ChainHead,
    event_time: str,
    signer: Any,
) -> list[SignedEvidence]:
    """Signs one record per event, each chained to the one before, starting after ``head``."""
    signed = []
    for event, reasons in events:
        payload = evidence_payload(event=event, message=message, head=head, event_time=event_time,
                                   issuer=ISSUER, key_id=signer.key_id, reasons=reasons)
        jws = signer.sign_jws(payload, typ=JWS_TYPE)
        record = SignedEvidence(payload["evidenceId"], message.message_id, payload["sequence"], event, jws)
        signed.append(record)
        head = ChainHead(record.sequence, record.record_hash)
    if signed:
        last = signed[-1]
        signed[-1] = replace(last, head_jws=signer.sign_jws(head_payload(message.message_id, last, at=event_time),
                                                            typ=HEAD_TYPE))
    return signed
