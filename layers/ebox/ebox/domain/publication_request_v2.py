"""The v2 wire format of a publication (`POST /messageRegistry/v2/publishMessage`), mapped onto the
v3 `messageToPublish` so that both go through one parser and one publication path: same rules, same
codes, same evidence, idempotency and events.

Only the names differ (the swagger's `MessageToPublish` of the v2.1 API); a v2 sender names no
`sender` object: its organisation is `senderOrganizationId`, or the access token's when absent.
"""

from __future__ import annotations

from typing import Any

from ebox.domain.message import MessageToPublish
from ebox.domain.publication_request import json_object, message_from_dict

# v2 name → v3 name, for the fields that only change name (the rest are the same in both).
V2_FIELDS = {
    "bodyMainContent": "isBodyMainContent",
    "replyAuthorized": "isReplyAuthorized",
    "registeredMail": "isRegisteredMail",
}
V2_ATTACHMENT_FIELDS = {
    "mainContent": "isMainContent",
    "attachmentSigned": "isAttachmentSigned",
}
SAME_FIELDS = ("messageTypeId", "senderApplicationId", "subject", "bodyContent", "businessDataList",
               "originalMessageId", "expirationDate", "forTheAttentionOf")
SAME_ATTACHMENT_FIELDS = ("httpPartName", "attachmentTitle", "digest", "uploadId")
# v2 recipient {eboxType, eboxIdValue} → the v3 field that names the e-Box of that type.
V3_RECIPIENT_ID = {"enterprise": "enterpriseNumber", "citizen": "ssin"}


def parse_v2_message_to_publish(raw: bytes | str, *, token_organization: str) -> MessageToPublish:
    return message_from_dict(v3_from_v2(json_object(raw), token_organization=token_organization))


def v3_from_v2(data: dict[str, Any], *, token_organization: str) -> dict[str, Any]:
    """The v3 `messageToPublish` that says what this v2 one says. Values are not checked here: the
    v3 parser checks them, so that both formats fail the same way."""
    v3: dict[str, Any] = {name: data[name] for name in SAME_FIELDS if name in data}
    v3.update({v3_name: data[v2_name] for v2_name, v3_name in V2_FIELDS.items() if v2_name in data})
    v3["sender"] = {"eboxType": "enterprise", "enterpriseNumber": data.get("senderOrganizationId", token_organization)}
    v3["recipient"] = _recipient(data.get("recipient"))
    attachments = data.get("attachments", [])
    v3["attachments"] = [_attachment(a) for a in attachments] if isinstance(attachments, list) else attachments
    return v3


def _recipient(recipient: Any) -> Any:
    if not isinstance(recipient, dict):
        return recipient
    ebox_type = recipient.get("eboxType", "enterprise")
    id_field = V3_RECIPIENT_ID.get(ebox_type) if isinstance(ebox_type, str) else None
    if id_field is None:
        return {"eboxType": ebox_type}
    return {"eboxType": ebox_type, id_field: recipient.get("eboxIdValue")}


def _attachment(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    v3 = {name: item[name] for name in SAME_ATTACHMENT_FIELDS if name in item}
    v3.update({v3_name: item[v2_name] for v2_name, v3_name in V2_ATTACHMENT_FIELDS.items() if v2_name in item})
    return v3
