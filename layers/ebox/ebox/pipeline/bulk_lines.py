"""One manifest line through the same publication path as the API (ebox.domain.publication.publish):
same validation, same error codes, same evidence (SubmissionRejection for a refused line whose
message could be read). Its Idempotency-Key is derived from the batch and the line, so that a
re-dropped batch or a retried chunk publishes nothing twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ebox.domain.batch_archive import media_type_of
from ebox.domain.batch_plan import BatchRef, PlannedLine
from ebox.domain.batch_report import published, rejected, valid
from ebox.domain.documents import HEAD_BYTES, match_documents, sha256_b64url
from ebox.domain.errors import DuplicateInBatch, DuplicatePublication, EboxError, InvalidInput, TransientError
from ebox.domain.evidence_access import unverified_claims
from ebox.domain.ids import new_message_id
from ebox.domain.message import MessageToPublish, ReceivedDocument
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import (
    REJECTED_SUBMISSIONS,
    PublicationPorts,
    check_idempotency,
    check_sender,
    publish,
    rejection_evidence,
    validate_recipient,
)
from ebox.domain.publication_request import parse_message_to_publish


@dataclass(frozen=True)
class LineContext:
    batch: BatchRef
    dry_run: bool
    ports: PublicationPorts
    received: datetime


def idempotency_key(batch: BatchRef, line: int) -> str:
    return f"bulk:{batch.batch_id}:{line}"


def publish_line(line: PlannedLine, documents: dict[str, bytes | EboxError], context: LineContext) -> dict[str, Any]:
    """The line's result; raises TransientError only (the chunk is then retried)."""
    try:
        request = parse_message_to_publish(line.text)
    except InvalidInput as error:
        return rejected(line.number, error)
    received = _received(line, documents)
    ports = context.ports
    try:
        _check_line(line, request, received, documents)
        claim = IdempotencyClaim(request.sender.enterprise_number, request.sender.application_id,
                                 idempotency_key(context.batch, line.number), _fingerprint(line, received))
        if context.dry_run:
            message_type = check_sender(request, context.batch.sender, ports.registry)
            validate_recipient(request.recipient, message_type, ports.registry)
            match_documents(request, received)
            check_idempotency(claim, ports.index)
            return valid(line.number)
    except DuplicatePublication as duplicate:
        return published(line.number, _answer(duplicate), again=True)
    except TransientError:
        raise
    except REJECTED_SUBMISSIONS as refusal:
        if not context.dry_run:
            _record_refusal(request, received, refusal, context)
        return rejected(line.number, refusal, _evidence_id(refusal))
    except EboxError as error:
        return rejected(line.number, error)
    ports.content.documents = {name: data for name, data in documents.items()  # type: ignore[attr-defined]
                               if isinstance(data, bytes)}
    try:
        result = publish(request=request, documents=received, authenticated_org=context.batch.sender, claim=claim,
                         message_id=new_message_id(), received=context.received, ports=ports)
    except DuplicatePublication as duplicate:
        return published(line.number, _answer(duplicate), again=True)
    except TransientError:
        raise
    except EboxError as error:  # refusals by publish() carry their signed SubmissionRejection
        return rejected(line.number, error, _evidence_id(error))
    return published(line.number, result.to_response())


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


def _record_refusal(request: MessageToPublish, received: dict[str, ReceivedDocument], refusal: EboxError,
                    context: LineContext) -> None:
    """As publish() does for a refusal: the signed SubmissionRejection, kept and announced."""
    ports = context.ports
    record = rejection_evidence(message_id=new_message_id(), request=request, documents=received,
                                authenticated_org=context.batch.sender, error=refusal, received=context.received,
                                signer=ports.signer)
    ports.index.record_rejection(record)
    ports.events.message_rejected(record.message_id, context.batch.sender, request.recipient.ebox_id,
                                  refusal.code)
    refusal.evidence = record.jws


def _answer(duplicate: DuplicatePublication) -> dict[str, str]:
    return {"messageId": duplicate.message_id, "expirationDate": duplicate.expiration_date}


def _received(line: PlannedLine, documents: dict[str, bytes | EboxError]) -> dict[str, ReceivedDocument]:
    """The line's documents as the publication path knows them (`staged_key`: the name in the archive)."""
    received = {}
    for name in line.documents:
        data = documents.get(name)
        if isinstance(data, bytes):
            received[name] = ReceivedDocument(name, name.rsplit("/", 1)[-1], media_type_of(name), len(data),
                                              sha256_b64url(data), name, head=data[:HEAD_BYTES])
    return received


def _fingerprint(line: PlannedLine, received: dict[str, ReceivedDocument]) -> str:
    digest = hashlib.sha256(line.text.encode())
    for name in sorted(received):
        digest.update(f"\n{name}:{received[name].sha256_b64url}".encode())
    return digest.hexdigest()


def _evidence_id(error: EboxError) -> str | None:
    """The SubmissionRejection's id (`<messageId>-001`), read from the signed record's payload."""
    if not error.evidence:
        return None
    claims = unverified_claims(error.evidence)
    return str(claims.get("evidenceId")) if claims.get("evidenceId") else None
