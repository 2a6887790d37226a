"""One manifest line through the same publication path as the API (ebox.domain.publication.prepare_message):
same validation, same error codes, same evidence (SubmissionRejection for a refused line whose message could
be read). A line writes nothing itself: it answers what its chunk writes with its other lines, 25 items per
call (ebox.pipeline.bulk_import). Its Idempotency-Key is derived from the batch and the line, and its
message id from the run, the line and the chunk's first delivery, so that a re-dropped batch or a retried
chunk publishes nothing twice and rewrites nothing it already made visible."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ebox.domain.batch_archive import media_type_of
from ebox.domain.batch_plan import BatchRef, PlannedLine
from ebox.domain.batch_report import REJECTED, published, rejected, valid
from ebox.domain.bulk_ports import EarlierWrites, Publication
from ebox.domain.documents import HEAD_BYTES, match_documents, sha256_b64url
from ebox.domain.errors import (
    DuplicateInBatch,
    DuplicatePublication,
    EboxError,
    IdempotencyKeyReused,
    InvalidInput,
    TransientError,
)
from ebox.domain.evidence import ChainHead, EvidenceEvent, SignedEvidence, sign_events
from ebox.domain.evidence_access import unverified_claims
from ebox.domain.ids import line_message_id
from ebox.domain.message import MessageToPublish, ReceivedDocument
from ebox.domain.ports import IdempotencyClaim, IdempotencyRecord
from ebox.domain.publication import (
    PUBLICATION_EVIDENCE,
    REJECTED_SUBMISSIONS,
    PublicationPorts,
    check_sender,
    prepare_message,
    rejection_evidence,
    result_of,
    validate_recipient,
)
from ebox.domain.publication_request import parse_message_to_publish


@dataclass(frozen=True)
class LineContext:
    batch: BatchRef
    run: str
    dry_run: bool
    ports: PublicationPorts
    received: datetime  # the chunk's first delivery: every delivery of it gives its lines the same ids
    claimed: dict[str, IdempotencyRecord] = field(default_factory=dict)  # claims already recorded, by key
    earlier: EarlierWrites = field(default_factory=lambda: EarlierWrites({}, {}))


@dataclass(frozen=True)
class Refusal:
    """A refused line's announcement (MessageRejected), put once its record is written."""

    message_id: str
    recipient: str
    code: str


@dataclass
class LineOutcome:
    result: dict[str, Any]
    publication: Publication | None = None  # to write: evidence, message, claim
    claim_only: Publication | None = None  # made visible by an earlier delivery: its claim only
    rejection: SignedEvidence | None = None  # to write: the SubmissionRejection
    refusal: Refusal | None = None  # to announce


def idempotency_key(batch: BatchRef, line: int) -> str:
    return f"bulk:{batch.batch_id}:{line}"


def message_id_of(line: int, context: LineContext) -> str:
    return line_message_id(int(context.received.timestamp() * 1000), context.run, line)


@dataclass(frozen=True)
class ReadLine:
    """A line as read before anything is decided: its request (or why it is not one), its documents, its claim."""

    line: PlannedLine
    request: MessageToPublish | None
    error: InvalidInput | None
    received: dict[str, ReceivedDocument]
    claim: IdempotencyClaim | None


def received_documents(documents: dict[str, bytes | EboxError]) -> dict[str, ReceivedDocument]:
    """A chunk's documents as the publication path knows them (`staged_key`: the name in the archive),
    each hashed once however many lines name it."""
    return {name: ReceivedDocument(name, name.rsplit("/", 1)[-1], media_type_of(name), len(data),
                                   sha256_b64url(data), name, head=data[:HEAD_BYTES])
            for name, data in documents.items() if isinstance(data, bytes)}


def read_line(line: PlannedLine, chunk_documents: dict[str, ReceivedDocument], batch: BatchRef) -> ReadLine:
    received = {name: chunk_documents[name] for name in line.documents if name in chunk_documents}
    try:
        request = parse_message_to_publish(line.text)
    except InvalidInput as error:
        return ReadLine(line, None, error, received, None)
    claim = IdempotencyClaim(request.sender.enterprise_number, request.sender.application_id,
                             idempotency_key(batch, line.number), _fingerprint(line, received))
    return ReadLine(line, request, None, received, claim)


def publish_line(read: ReadLine, documents: dict[str, bytes | EboxError], context: LineContext) -> LineOutcome:
    """What the line writes and reports; raises TransientError only (the chunk is then retried)."""
    line, request, received, claim = read.line, read.request, read.received, read.claim
    if request is None or claim is None:
        return LineOutcome(rejected(line.number, read.error or InvalidInput("the line is not a messageToPublish")))
    ports = context.ports
    message_id = message_id_of(line.number, context)
    try:
        _check_line(line, request, received, documents)
        _check_claim(claim, context.claimed)
        earlier = _earlier_outcome(line, claim, message_id, context)
        if earlier is not None:
            return earlier
        if context.dry_run:
            message_type = check_sender(request, context.batch.sender, ports.registry)
            validate_recipient(request.recipient, message_type, ports.registry)
            match_documents(request, received)
            return LineOutcome(valid(line.number))
        message = prepare_message(request=request, documents=received, authenticated_org=context.batch.sender,
                                  message_id=message_id, received=context.received, ports=ports)
    except DuplicatePublication as duplicate:
        return LineOutcome(published(line.number, _answer(duplicate), again=True))
    except TransientError:
        raise
    except REJECTED_SUBMISSIONS as refusal:
        if context.dry_run:
            return LineOutcome(rejected(line.number, refusal))
        record = rejection_evidence(message_id=message_id, request=request, documents=received,
                                    authenticated_org=context.batch.sender, error=refusal, received=context.received,
                                    signer=ports.signer)
        return LineOutcome(rejected(line.number, refusal, record.evidence_id), rejection=record,
                           refusal=Refusal(message_id, request.recipient.ebox_id, refusal.code))
    except EboxError as error:
        return LineOutcome(rejected(line.number, error))
    evidence = sign_events(PUBLICATION_EVIDENCE, message=message, head=ChainHead.empty(),
                           event_time=message.receipt_date, signer=ports.signer)
    return LineOutcome(published(line.number, result_of(message).to_response()),
                       publication=Publication(message, claim, evidence))


def _check_claim(claim: IdempotencyClaim, claimed: dict[str, IdempotencyRecord]) -> None:
    """As ebox.domain.publication.check_idempotency, from the chunk's one read of its claims."""
    record = claimed.get(claim.key)
    if record is None:
        return
    if record.request_fingerprint != claim.request_fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key '{claim.key}' was already used for a different message")
    raise DuplicatePublication(f"Idempotency-Key '{claim.key}' was already used: message {record.message_id} was "
                               "published", message_id=record.message_id, expiration_date=record.expiration_date)


def _earlier_outcome(line: PlannedLine, claim: IdempotencyClaim, message_id: str,
                     context: LineContext) -> LineOutcome | None:
    """What an earlier delivery of the chunk decided and may have made known, kept as it is: a message it
    made visible (its claim is written now), or a refusal whose record is complete (it may be announced
    and archived already). Anything else it left is invisible and is written again."""
    message = context.earlier.messages.get(message_id)
    if message is not None:
        return LineOutcome(published(line.number, result_of(message).to_response()),
                           claim_only=Publication(message, claim, []))
    chain = context.earlier.chains.get(message_id) or []
    if len(chain) == 1 and chain[0].event is EvidenceEvent.SUBMISSION_REJECTION and chain[0].head_jws:
        claims = unverified_claims(chain[0].jws)
        code, _, text = str((claims.get("reasons") or ["INVALID_INPUT: refused"])[0]).partition(": ")
        result = {"line": line.number, "status": REJECTED, "code": code, "message": text,
                  "evidenceId": chain[0].evidence_id}
        return LineOutcome(result, refusal=Refusal(message_id, _recipient_of(claims), code))
    return None


def _check_line(line: PlannedLine, request: MessageToPublish, received: dict[str, ReceivedDocument],
                documents: dict[str, bytes | EboxError]) -> None:
    """What only a batch can get wrong: a repeated line, files missing from or damaged in the archive."""
    if line.duplicate_of is not None:
        raise DuplicateInBatch(f"line {line.number} repeats line {line.duplicate_of}: it is published once")
    names = [a.http_part_name for a in request.attachments]
    for name in names:
        damaged = documents.get(name)
        if isinstance(damaged, EboxError):
            raise damaged
    missing = [name for name in names if name not in received]
    if missing:
        raise InvalidInput(f"files named but not in the archive: {', '.join(missing)}")


def _answer(duplicate: DuplicatePublication) -> dict[str, str]:
    return {"messageId": duplicate.message_id, "expirationDate": duplicate.expiration_date}


def _fingerprint(line: PlannedLine, received: dict[str, ReceivedDocument]) -> str:
    digest = hashlib.sha256(line.text.encode())
    for name in sorted(received):
        digest.update(f"\n{name}:{received[name].sha256_b64url}".encode())
    return digest.hexdigest()


def _recipient_of(claims: dict[str, Any]) -> str:
    recipient = claims.get("recipient")
    if isinstance(recipient, dict):
        return str(recipient.get("enterpriseNumber") or recipient.get("ssin") or "")
    return str(recipient or "")
