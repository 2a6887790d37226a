"""JSON representations of the Message Registry v2.1 consultation API: the API renders them, and so does
a download package (its messages.json), so they belong to the domain, not to the HTTP edge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ebox.domain.consultation import MessagePage
from ebox.domain.message import Message, StoredAttachment
from ebox.domain.message_action import MessageAction
from ebox.domain.ports import EboxSummary, ReplyLink

BASE = "/messageRegistry/v2/ebox/messages"
# A sender's document is served as the type it was checked to be, never sniffed, and (HTML) run in a sandbox
# with nothing loaded: no script, no form, no request to anywhere.
DOCUMENT_HEADERS = {"X-Content-Type-Options": "nosniff",
                    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"}


def ebox_view(summary: EboxSummary) -> dict[str, Any]:
    view: dict[str, Any] = {
        "numberOfMessages": summary.number_of_messages,
        "numberOfUnreadMessages": summary.number_of_unread_messages,
        "eboxSize": round(summary.ebox_size_bytes / 1024, 3),
    }
    if summary.last_receipt_date:
        view["lastReceiptDate"] = summary.last_receipt_date
    if summary.last_consultation_date:
        view["lastConsultationDate"] = summary.last_consultation_date
    return view


def attachment_view(message_id: str, attachment: StoredAttachment) -> dict[str, Any]:
    view: dict[str, Any] = {
        "attachmentId": attachment.attachment_id,
        "fileName": attachment.file_name,
        "mediaType": attachment.media_type,
        "size": round(attachment.size / 1024, 3),
        "mainContent": attachment.is_main_content,
        "attachmentSigned": attachment.is_signed,
        "digest": {"digestMethod": "sha_256", "digestValue": attachment.sha256_b64url},
        "contentHref": f"{BASE}/{message_id}/attachments/{attachment.attachment_id}/content",
    }
    if attachment.title:
        view["attachmentTitle"] = attachment.title
    return view


def attachments_view(message: Message) -> dict[str, Any]:
    if message.content_withheld:
        return {"items": [], "totalItems": 0}
    items = [attachment_view(message.message_id, a) for a in message.attachments]
    return {"items": items, "totalItems": len(items)}


def action_view(action: MessageAction, *, for_sender: bool = False) -> dict[str, Any]:
    """A message's action and its state (the sender is not told which person marked it done)."""
    view: dict[str, Any] = {**action.to_dict(), "status": action.status,
                            "overdue": action.is_overdue(datetime.now(UTC).date())}
    if action.done_at:
        view["doneAt"] = action.done_at
    if action.done_by and not for_sender:
        view["doneBy"] = action.done_by
    return view


def reply_links_view(replies: list[ReplyLink]) -> dict[str, Any]:
    items = [{"messageId": r.message_id, "receiptDate": r.receipt_date} for r in replies]
    return {"items": items, "totalItems": len(items)}


def message_view(message: Message, *, replies: list[ReplyLink] | None = None) -> dict[str, Any]:
    """A message as its reader may see it now: before qualified mail is accepted (and after it is refused
    or expired) only its sender, subject, dates and level; none of its content."""
    view: dict[str, Any] = {
        "messageId": message.message_id,
        "subject": message.subject,
        "receiptDate": message.receipt_date,
        "expirationDate": message.expiration_date,
        "readStatus": message.read_status,
        "visible": message.visible,
        "registeredMail": message.is_registered_mail,
        "messageTypeId": message.message_type_id,
        "senderOrganizationId": message.sender_organization_id,
        "senderApplicationId": message.sender_application_id,
        "bodyMainContent": message.is_body_main_content,
        "replyAuthorized": message.is_reply_authorized,
        "attachments": attachments_view(message),
    }
    view["partition"] = message.partition  # our extension: where the e-Box's routing rules placed it
    if message.sender_partition:
        view["senderPartition"] = message.sender_partition
    if message.registered_mail_type:
        view["registeredMailType"] = message.registered_mail_type
    if message.delivery_state:
        view["deliveryState"] = message.delivery_state
    if message.original_message_id:
        view["originalMessageId"] = message.original_message_id
    if message.content_withheld:
        view["contentWithheld"] = True  # our extension: qualified mail not (yet) accepted
        return view
    if message.for_the_attention_of:
        view["forTheAttentionOf"] = message.for_the_attention_of
    if message.business_data:
        view["businessDataList"] = {"items": message.business_data, "totalItems": len(message.business_data)}
    if message.action:
        view["action"] = action_view(message.action)  # our extension: a message "for action"
    if replies is not None and message.is_reply_authorized:
        view["replies"] = reply_links_view(replies)  # our extension: the replies this e-Box sent to it
    return view


def messages_view(page: MessagePage) -> dict[str, Any]:
    return {"items": [message_view(m) for m in page.items], "totalItems": page.total_items}
