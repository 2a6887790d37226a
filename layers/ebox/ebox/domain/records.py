"""A Message as a plain JSON-able record (what the content store and the index keep)."""

from __future__ import annotations

from typing import Any

from ebox.domain.message import Message, StoredAttachment
from ebox.domain.message_action import MessageAction


def message_to_record(message: Message) -> dict[str, Any]:
    return {
        "messageId": message.message_id,
        "recipient": message.recipient,
        "senderOrganizationId": message.sender_organization_id,
        "senderApplicationId": message.sender_application_id,
        "senderPartition": message.sender_partition,
        "messageTypeId": message.message_type_id,
        "subject": message.subject,
        "body": message.body,
        "receiptDate": message.receipt_date,
        "expirationDate": message.expiration_date,
        "isBodyMainContent": message.is_body_main_content,
        "isReplyAuthorized": message.is_reply_authorized,
        "isRegisteredMail": message.is_registered_mail,
        "registeredMailType": message.registered_mail_type,
        "originalMessageId": message.original_message_id,
        "forTheAttentionOf": message.for_the_attention_of,
        "businessData": message.business_data,
        "recipientHasDigitalEbox": message.recipient_has_digital_ebox,
        "attachments": [a.to_dict() for a in message.attachments],
        "partition": message.partition,
        "searchText": message.search_text,
        **({"sealedSearchText": message.sealed_search_text} if message.sealed_search_text else {}),
        **({"action": message.action.to_dict()} if message.action else {}),
    }


def message_from_record(
    record: dict[str, Any], *, read_status: bool = False, visible: bool = True, delivery_state: str | None = None,
    action_status: dict[str, str | None] | None = None,
) -> Message:
    """``action_status``: the action's status, done_at and done_by, kept on the index item beside the record."""
    action = record.get("action")
    return Message(
        message_id=record["messageId"],
        recipient=record["recipient"],
        sender_organization_id=record["senderOrganizationId"],
        sender_application_id=record["senderApplicationId"],
        sender_partition=record.get("senderPartition"),
        message_type_id=record["messageTypeId"],
        subject=record["subject"],
        body=record.get("body"),
        receipt_date=record["receiptDate"],
        expiration_date=record["expirationDate"],
        is_body_main_content=record["isBodyMainContent"],
        is_reply_authorized=record["isReplyAuthorized"],
        is_registered_mail=record["isRegisteredMail"],
        registered_mail_type=record.get("registeredMailType"),
        delivery_state=delivery_state,
        original_message_id=record.get("originalMessageId"),
        for_the_attention_of=record.get("forTheAttentionOf"),
        business_data=list(record.get("businessData") or []),
        recipient_has_digital_ebox=record.get("recipientHasDigitalEbox", True),
        attachments=[StoredAttachment.from_dict(a) for a in record.get("attachments", [])],
        read_status=read_status,
        visible=visible,
        partition=record.get("partition") or "GENERAL",
        search_text=dict(record.get("searchText") or {}),
        sealed_search_text=dict(record.get("sealedSearchText") or {}),
        action=MessageAction.from_dict(action, **(action_status or {})) if action else None,
    )
