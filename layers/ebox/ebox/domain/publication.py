"""Publishing a message: the steps every publication goes through, whether it came through the API
or was dropped in the import bucket. Each step is a function so the pipeline's Lambdas can run them
one by one, and the API runs them in a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ebox.domain.documents import match_documents
from ebox.domain.errors import (
    DigestDoNotMatch,
    DuplicatePublication,
    EboxError,
    IdempotencyKeyReused,
    InvalidInput,
    InvalidSender,
)
from ebox.domain.evidence import ChainHead, EvidenceEvent, SignedEvidence, sign_events
from ebox.domain.ids import attachment_id_of, new_attachment_id
from ebox.domain.message import Message, MessageToPublish, ReceivedDocument, Recipient, StoredAttachment
from ebox.domain.partitions import place_message
from ebox.domain.ports import ContentStore, EvidenceSigner, IdempotencyClaim, MessageEvents, MessageIndex, Registry
from ebox.domain.recipients import AUDIENCES, CITIZEN
from ebox.domain.registry import EboxHolder, MessageType
from ebox.domain.search import search_texts
from ebox.domain.validity import expiration_for, format_timestamp

NO_DIGITAL_USER = "NO_DIGITAL_USER"


@dataclass(frozen=True)
class PublicationResult:
    message_id: str
    expiration_date: str
    code: str | None = None

    def to_response(self) -> dict[str, str]:
        body = {"messageId": self.message_id, "expirationDate": self.expiration_date}
        if self.code:
            body["code"] = self.code
        return body


def check_sender(request: MessageToPublish, authenticated_org: str, registry: Registry) -> MessageType:
    """The sender must be the authenticated organisation and publish within a registered trio."""
    sender = request.sender
    if sender.enterprise_number != authenticated_org:
        raise InvalidSender(
            f"sender {sender.enterprise_number} is not the organisation of the access token ({authenticated_org})"
        )
    application = registry.sender_application(sender.enterprise_number, sender.application_id)
    if application is None or request.message_type_id not in application.message_type_ids:
        raise InvalidSender(
            f"organisation {sender.enterprise_number}, application '{sender.application_id}' and message type "
            f"'{request.message_type_id}' are not a registered sender trio"
        )
    if request.registered_mail_type and request.registered_mail_type not in application.registered_mail_types:
        raise InvalidSender(
            f"application '{sender.application_id}' is not registered to send {request.registered_mail_type} mail"
        )
    message_type = registry.message_type(request.message_type_id)
    if message_type is None:
        raise InvalidSender(f"message type '{request.message_type_id}' is not registered")
    if registry.sender_suspended(sender.enterprise_number):
        raise InvalidSender(f"sender {sender.enterprise_number} is suspended by the platform operator")
    if message_type.business_data_keys:
        unknown = sorted({str(item.get("key")) for item in request.business_data} - message_type.business_data_keys)
        if unknown:
            raise InvalidInput(f"message type '{message_type.message_type_id}' allows the business data keys "
                               f"{sorted(message_type.business_data_keys)}, not {unknown}")
    return message_type


def validate_recipient(recipient: Recipient, message_type: MessageType, registry: Registry) -> EboxHolder:
    """An enterprise must be active in the BCE/KBO register, a citizen known to the national register,
    and the message type must be one that may go to that kind of e-Box."""
    if recipient.ebox_type not in AUDIENCES.get(message_type.audience, frozenset()):
        raise InvalidInput(f"message type '{message_type.message_type_id}' may not be sent to a {recipient.ebox_type} "
                           f"(it is for {message_type.audience})")
    if recipient.ebox_type == CITIZEN:
        citizen = registry.citizen(recipient.ebox_id)
        if citizen is None:
            raise InvalidInput(f"citizen {recipient.ebox_id} is not in the national register")
        return citizen
    enterprise = registry.enterprise(recipient.ebox_id)
    if enterprise is None:
        raise InvalidInput(f"enterprise {recipient.ebox_id} is not in the register of enterprises")
    if not enterprise.active:
        raise InvalidInput(f"enterprise {recipient.ebox_id} is not active in the register of enterprises")
    return enterprise


def check_idempotency(claim: IdempotencyClaim | None, index: MessageIndex) -> None:
    if claim is None:
        return
    record = index.idempotency_record(claim)
    if record is None:
        return
    if record.request_fingerprint != claim.request_fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key '{claim.key}' was already used for a different message")
    raise DuplicatePublication(
        f"Idempotency-Key '{claim.key}' was already used: message {record.message_id} was published",
        message_id=record.message_id,
        expiration_date=record.expiration_date,
    )


def compose_message(
    *,
    message_id: str,
    request: MessageToPublish,
    message_type: MessageType,
    recipient: EboxHolder,
    received: datetime,
) -> Message:
    """The message as the recipient's e-Box will hold it, dates set, documents not yet attached."""
    expiration = expiration_for(received, message_type.validity, request.expiration_date)
    partition = place_message(recipient.routing_rules, message_type_id=request.message_type_id,
                              sender_application_id=request.sender.application_id,
                              sender_organization_id=request.sender.enterprise_number)
    return Message(
        message_id=message_id,
        recipient=recipient.ebox_id,
        sender_organization_id=request.sender.enterprise_number,
        sender_application_id=request.sender.application_id,
        sender_partition=request.sender.partition,
        message_type_id=request.message_type_id,
        subject=request.subject,
        body=request.body,
        receipt_date=format_timestamp(received),
        expiration_date=format_timestamp(expiration),
        is_body_main_content=request.is_body_main_content,
        is_reply_authorized=request.is_reply_authorized,
        is_registered_mail=request.is_registered_mail,
        registered_mail_type=request.registered_mail_type,
        delivery_state="awaiting_acceptance" if request.registered_mail_type == "qualified" else None,
        original_message_id=request.original_message_id,
        for_the_attention_of=request.for_the_attention_of,
        business_data=list(request.business_data),
        recipient_has_digital_ebox=recipient.ebox_activated,
        partition=partition,
        action=request.action,
    )


def describe_for_search(message: Message, message_type: MessageType, registry: Registry) -> Message:
    """Sets the message's search text: its own words and its sender's and type's names (cached reads)."""
    application = registry.sender_application(message.sender_organization_id, message.sender_application_id)
    organization = registry.sender_organization(message.sender_organization_id)
    names = [message_type.name, application.name if application else None,
             organization.short_name if organization else None, organization.long_name if organization else None]
    message.search_text = search_texts(message, names)
    if message.registered_mail_type == "qualified":
        message.sealed_search_text = search_texts(message, names, sealed=True)
    return message


def store_content(
    message: Message, request: MessageToPublish, documents: dict[str, ReceivedDocument], content: ContentStore
) -> Message:
    """Attaches the received documents to the message; not yet visible. A document the API put at its final
    key (once it matched the announcement) stays there, with no call; one sent by `uploadId` is kept at its
    own key (``promote`` tags it, no copy); a bulk archive's is put at its final key by ``promote``."""
    attachments = []
    for document, index in match_documents(request, documents):
        announced = request.attachments[index]
        attachment_id = attachment_id_of(message.message_id, document.staged_key)
        if attachment_id is not None:
            key = document.staged_key
        else:
            attachment_id = new_attachment_id()
            key = content.promote(message.message_id, attachment_id, document)
        attachments.append(
            StoredAttachment(
                attachment_id=attachment_id,
                file_name=document.file_name,
                media_type=document.media_type,
                size=document.size,
                is_main_content=announced.is_main_content,
                is_signed=announced.is_signed,
                title=announced.title,
                sha256_b64url=document.sha256_b64url,
                content_key=key,
            )
        )
    message.attachments = attachments
    return message


PUBLICATION_EVIDENCE = [(EvidenceEvent.SUBMISSION_ACCEPTANCE, None), (EvidenceEvent.CONTENT_CONSIGNMENT, None)]


def index_message(
    message: Message, claim: IdempotencyClaim | None, index: MessageIndex, events: MessageEvents,
    signer: EvidenceSigner,
) -> PublicationResult:
    """Makes the message visible in the recipient's e-Box with the signed evidence of its submission
    and consignment (one atomic write). Its announcement (MessagePublished) leaves through the outbox:
    the index's stream, relayed by ebox.pipeline.outbox, so that no crash can publish it unannounced."""
    evidence = sign_events(PUBLICATION_EVIDENCE, message=message, head=ChainHead.empty(),
                           event_time=message.receipt_date, signer=signer)
    index.add(message, claim, evidence)
    return result_of(message)


def result_of(message: Message) -> PublicationResult:
    return PublicationResult(
        message_id=message.message_id,
        expiration_date=message.expiration_date,
        code=None if message.recipient_has_digital_ebox else NO_DIGITAL_USER,
    )


REJECTED_SUBMISSIONS = (InvalidInput, InvalidSender, DigestDoNotMatch)


def rejection_evidence(
    *, message_id: str, request: MessageToPublish, documents: dict[str, ReceivedDocument], authenticated_org: str,
    error: EboxError, received: datetime, signer: EvidenceSigner,
) -> SignedEvidence:
    """The signed SubmissionRejection of a refused publication: who sent what, to whom, and why."""
    attempted = Message(
        message_id=message_id, recipient=request.recipient.ebox_id,
        sender_organization_id=authenticated_org, sender_application_id=request.sender.application_id,
        message_type_id=request.message_type_id, subject=request.subject, receipt_date=format_timestamp(received),
        expiration_date=format_timestamp(received), is_body_main_content=request.is_body_main_content,
        is_reply_authorized=request.is_reply_authorized, is_registered_mail=request.is_registered_mail,
        body=None, registered_mail_type=request.registered_mail_type,
        attachments=[StoredAttachment("", d.file_name, d.media_type, d.size, False, False, None, d.sha256_b64url, "")
                     for d in documents.values()],
    )
    return sign_events([(EvidenceEvent.SUBMISSION_REJECTION, [f"{error.code}: {error.message}"])],
                       message=attempted, head=ChainHead.empty(), event_time=attempted.receipt_date,
                       signer=signer)[0]


@dataclass(frozen=True)
class PublicationPorts:
    registry: Registry
    content: ContentStore
    index: MessageIndex
    events: MessageEvents
    signer: EvidenceSigner


def prepare_message(
    *, request: MessageToPublish, documents: dict[str, ReceivedDocument], authenticated_org: str, message_id: str,
    received: datetime, ports: PublicationPorts,
) -> Message:
    """Every check of a publication, then the message composed with its documents attached: what ``publish``
    writes, and what a bulk chunk writes with its other lines (ebox.pipeline.bulk_lines). Raises the
    refusal; writes nothing but what ``store_content`` puts."""
    message_type = check_sender(request, authenticated_org, ports.registry)
    recipient = validate_recipient(request.recipient, message_type, ports.registry)
    match_documents(request, documents)
    message = compose_message(
        message_id=message_id, request=request, message_type=message_type, recipient=recipient, received=received
    )
    describe_for_search(message, message_type, ports.registry)
    return store_content(message, request, documents, ports.content)


def publish(
    *,
    request: MessageToPublish,
    documents: dict[str, ReceivedDocument],
    authenticated_org: str,
    claim: IdempotencyClaim | None,
    message_id: str,
    received: datetime,
    ports: PublicationPorts,
) -> PublicationResult:
    """Every step in a row, as the API runs them. On any refusal (a duplicate included) the documents
    received for this message id are deleted at once."""
    try:
        # No read of the claim first: the write's condition on it decides (index.add explains a conflict).
        message = prepare_message(request=request, documents=documents, authenticated_org=authenticated_org,
                                  message_id=message_id, received=received, ports=ports)
        return index_message(message, claim, ports.index, ports.events, ports.signer)
    except REJECTED_SUBMISSIONS as refusal:
        ports.content.discard_staged(list(documents.values()))
        record = rejection_evidence(message_id=message_id, request=request, documents=documents,
                                    authenticated_org=authenticated_org, error=refusal, received=received,
                                    signer=ports.signer)
        ports.index.record_rejection(record)
        ports.events.message_rejected(record.message_id, authenticated_org,
                                      request.recipient.ebox_id, refusal.code)
        refusal.evidence = record.jws
        raise
    except Exception:
        ports.content.discard_staged(list(documents.values()))
        raise
