"""Replies: an enterprise answers a message whose sender allowed it (`isReplyAuthorized`).

The rules, kept simple on purpose:
- Only someone who sees the original may reply (the e-Box's own client, or a person with rights on the
  original's partition): for anyone else the original does not exist (404, from Consultation).
- The original must allow replies (else 403 REPLY_NOT_AUTHORIZED); qualified mail must be accepted first.
- The reply is a message of the original sender organisation's e-Box, sent by the replying enterprise
  through the application ``ebox-reply``, of the original's message type, carrying ``originalMessageId``.
  It lands in the partition the original was sent from (``sender.partition``) when that e-Box has it,
  else where that e-Box's routing rules put it (GENERAL when none matches).
- A reply allows a reply back: the organisation may answer it the same way, and that answer lands in the
  replier's partition where the original lies (a reply's ``sender.partition``). The conversation goes on
  while both sides want; each message carries the id of the one it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ebox.domain.documents import match_documents
from ebox.domain.errors import AcceptanceRequired, InvalidInput, ReplyNotAuthorized
from ebox.domain.message import REPLY_APPLICATION_ID, Message, MessageToPublish, ReceivedDocument, Recipient, Sender
from ebox.domain.partitions import Partition, place_message
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import (
    PublicationPorts,
    PublicationResult,
    index_message,
    store_content,
)
from ebox.domain.publication_request import MessageContent
from ebox.domain.registry import Enterprise, MessageType
from ebox.domain.search import search_texts
from ebox.domain.validity import expiration_for, format_timestamp


def check_reply_allowed(original: Message) -> None:
    if not original.is_reply_authorized:
        raise ReplyNotAuthorized(f"message {original.message_id} does not allow replies (isReplyAuthorized is false)")
    if original.content_withheld:
        raise AcceptanceRequired(f"message {original.message_id} is qualified registered mail: accept it before "
                                 "replying")


def reply_request(original: Message, content: MessageContent) -> MessageToPublish:
    """The reply as a publication from the original's recipient to its sender organisation."""
    return MessageToPublish(
        sender=Sender(original.recipient, REPLY_APPLICATION_ID, partition=original.partition),
        recipient=Recipient("enterprise", original.sender_organization_id),
        message_type_id=original.message_type_id,
        subject=content.subject,
        body=content.body,
        is_body_main_content=content.is_body_main_content,
        is_reply_authorized=True,
        is_registered_mail=False,
        attachments=content.attachments,
        original_message_id=original.message_id,
    )


def reply_partition(original: Message, organisation: Enterprise, partitions: list[Partition]) -> str:
    """Where the reply lands in the organisation's e-Box: the partition the original was sent from."""
    if original.sender_partition in {p.partition_id for p in partitions}:
        return str(original.sender_partition)
    return place_message(organisation.routing_rules, message_type_id=original.message_type_id,
                         sender_application_id=REPLY_APPLICATION_ID, sender_organization_id=original.recipient)


@dataclass(frozen=True)
class ReplyParties:
    """The organisation the reply goes to (its e-Box, its partitions), and the enterprise that replies."""

    organisation: Enterprise
    partitions: list[Partition]
    replier: Enterprise | None
    message_type: MessageType


def reply_parties(original: Message, ports: PublicationPorts, partitions: list[Partition]) -> ReplyParties:
    organisation = ports.registry.enterprise(original.sender_organization_id)
    if organisation is None or not organisation.active:
        raise InvalidInput(f"the sender organisation {original.sender_organization_id} has no active e-Box "
                           "to receive replies")
    message_type = ports.registry.message_type(original.message_type_id)
    if message_type is None:
        raise InvalidInput(f"message type '{original.message_type_id}' is no longer registered")
    return ReplyParties(organisation, partitions, ports.registry.enterprise(original.recipient), message_type)


def compose_reply(*, message_id: str, original: Message, request: MessageToPublish, parties: ReplyParties,
                  received: datetime) -> Message:
    reply = Message(
        message_id=message_id,
        recipient=parties.organisation.enterprise_number,
        sender_organization_id=request.sender.enterprise_number,
        sender_application_id=REPLY_APPLICATION_ID,
        sender_partition=request.sender.partition,
        message_type_id=request.message_type_id,
        subject=request.subject,
        body=request.body,
        receipt_date=format_timestamp(received),
        expiration_date=format_timestamp(expiration_for(received, parties.message_type.validity, None)),
        is_body_main_content=request.is_body_main_content,
        is_reply_authorized=True,
        is_registered_mail=False,
        original_message_id=original.message_id,
        recipient_has_digital_ebox=parties.organisation.ebox_activated,
        partition=reply_partition(original, parties.organisation, parties.partitions),
    )
    replier_name = {"fr": parties.replier.name, "nl": parties.replier.name, "de": parties.replier.name} \
        if parties.replier else None
    reply.search_text = search_texts(reply, [parties.message_type.name, replier_name])
    return reply


def send_reply(*, original: Message, request: MessageToPublish, documents: dict[str, ReceivedDocument],
               claim: IdempotencyClaim | None, message_id: str, received: datetime, ports: PublicationPorts,
               partitions: list[Partition]) -> PublicationResult:
    """Every step of a publication, for a reply; the staged documents are discarded on any refusal."""
    try:
        check_reply_allowed(original)
        parties = reply_parties(original, ports, partitions)
        match_documents(request, documents)
        # As publish: no read of the claim first, the write's condition on it decides (index.add).
        reply = compose_reply(message_id=message_id, original=original, request=request, parties=parties,
                              received=received)
        reply = store_content(reply, request, documents, ports.content)
        return index_message(reply, claim, ports.index, ports.events, ports.signer)
    except Exception:
        ports.content.discard_staged(list(documents.values()))
        raise
