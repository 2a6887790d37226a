"""The message model: what a sender asks to publish and what an e-Box holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ebox.domain.message_action import MessageAction

TranslatedString = dict[str, str]
LANGUAGES = ("nl", "fr", "de")
# The application a reply is sent through: an enterprise answering a message has no registered
# application of its own (ebox.domain.replies); routing rules may name it to route replies.
REPLY_APPLICATION_ID = "ebox-reply"


@dataclass(frozen=True)
class Recipient:
    """``ebox_type`` "enterprise" (``ebox_id``: the enterprise number) or "citizen" (the SSIN)."""

    ebox_type: str
    ebox_id: str


@dataclass(frozen=True)
class Sender:
    enterprise_number: str
    application_id: str
    partition: str | None = None


@dataclass(frozen=True)
class AttachmentToPublish:
    http_part_name: str
    is_main_content: bool
    is_signed: bool
    title: TranslatedString | None
    digest_value: str | None
    upload_id: str | None = None  # a document uploaded beforehand (ebox.domain.uploads), not a file part


@dataclass(frozen=True)
class MessageToPublish:
    """A validated `messageToPublish` (v3 names; v2 names are accepted on input)."""

    sender: Sender
    recipient: Recipient
    message_type_id: str
    subject: TranslatedString
    body: TranslatedString | None
    is_body_main_content: bool
    is_reply_authorized: bool
    is_registered_mail: bool
    attachments: tuple[AttachmentToPublish, ...]
    registered_mail_type: str | None = None  # v3 extension: "registered" | "qualified"
    expiration_date: str | None = None
    original_message_id: str | None = None
    for_the_attention_of: dict[str, Any] | None = None
    business_data: tuple[dict[str, Any], ...] = ()
    action: MessageAction | None = None  # our extension: the message is "for action" (ebox.domain.message_action)


@dataclass(frozen=True)
class ReceivedDocument:
    """A file part as it arrived: where its bytes were staged and what they hash to."""

    part_name: str
    file_name: str
    media_type: str
    size: int
    sha256_b64url: str
    staged_key: str
    head: bytes | None = None  # its first bytes (ebox.domain.documents.HEAD_BYTES), to check its type's magic


@dataclass(frozen=True)
class StoredAttachment:
    attachment_id: str
    file_name: str
    media_type: str
    size: int
    is_main_content: bool
    is_signed: bool
    title: TranslatedString | None
    sha256_b64url: str
    content_key: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "attachmentId": self.attachment_id,
            "fileName": self.file_name,
            "mediaType": self.media_type,
            "size": self.size,
            "isMainContent": self.is_main_content,
            "isSigned": self.is_signed,
            "title": self.title,
            "sha256": self.sha256_b64url,
            "contentKey": self.content_key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredAttachment:
        return cls(
            attachment_id=data["attachmentId"],
            file_name=data["fileName"],
            media_type=data["mediaType"],
            size=int(data["size"]),
            is_main_content=bool(data["isMainContent"]),
            is_signed=bool(data["isSigned"]),
            title=data.get("title"),
            sha256_b64url=data["sha256"],
            content_key=data["contentKey"],
        )


@dataclass
class Message:
    """A message as an e-Box holds it (index record; documents live in the content store)."""

    message_id: str
    recipient: str
    sender_organization_id: str
    sender_application_id: str
    message_type_id: str
    subject: TranslatedString
    receipt_date: str
    expiration_date: str
    is_body_main_content: bool
    is_reply_authorized: bool
    is_registered_mail: bool
    body: TranslatedString | None
    attachments: list[StoredAttachment] = field(default_factory=list)
    read_status: bool = False
    visible: bool = True
    sender_partition: str | None = None
    original_message_id: str | None = None
    for_the_attention_of: dict[str, Any] | None = None
    business_data: list[dict[str, Any]] = field(default_factory=list)
    recipient_has_digital_ebox: bool = True
    registered_mail_type: str | None = None
    delivery_state: str | None = None  # qualified mail: awaiting_acceptance | accepted | refused | expired
    partition: str = "GENERAL"  # where the recipient's routing rules placed it (ebox.domain.partitions)
    search_text: dict[str, str] = field(default_factory=dict)  # per language, normalised (ebox.domain.search)
    # What a search may match while the content is withheld (qualified mail before acceptance): the sender,
    # the subject and the type only, never the body, documents or business data (ebox.domain.search).
    sealed_search_text: dict[str, str] = field(default_factory=dict)
    action: MessageAction | None = None  # "for action": what, by when, and whether it is done

    @property
    def content_withheld(self) -> bool:
        """Qualified mail shows its content only once the recipient accepted it (consent mode)."""
        return self.registered_mail_type == "qualified" and self.delivery_state != "accepted"

    @property
    def searchable_text(self) -> dict[str, str]:
        """The text a search of the recipient's inbox matches now: only what the recipient may already see."""
        return self.sealed_search_text if self.content_withheld else self.search_text

    @property
    def is_reply(self) -> bool:
        """Sent by an enterprise through `POST …/messages/{originalMessageId}/replies`."""
        return self.sender_application_id == REPLY_APPLICATION_ID and self.original_message_id is not None

    @property
    def total_size(self) -> int:
        return sum(a.size for a in self.attachments)

    def attachment(self, attachment_id: str) -> StoredAttachment | None:
        return next((a for a in self.attachments if a.attachment_id == attachment_id), None)
