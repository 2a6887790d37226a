"""JSON Schemas of the main operations' bodies, for the OpenAPI document (ebox.api.openapi). Field names follow
the e-Box Enterprise v2.1 swagger (Message, Attachment, Ebox, MessageToPublish, PublicationStatusMessage,
StatusMessage); v3's additions (sender/recipient objects, registeredMailType, uploads, evidences) follow what
the API reads and renders. Objects stay open (`additionalProperties` allowed): the API adds fields of its own
(partition, action, replies, contentWithheld, …) and accepts v2 and v3 spellings of some flags."""

from __future__ import annotations

from typing import Any

from ebox.domain.documents import ALLOWED_MEDIA_TYPES, MAX_DOCUMENTS


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_STRING, _BOOL, _INT = {"type": "string"}, {"type": "boolean"}, {"type": "integer"}
_KB = {"type": "number", "description": "kilobytes (1 kB = 1024 bytes)"}
_MOMENT = {"type": "string", "description": "yyyy-MM-dd'T'HH:mm:ssXXX"}
_LANGUAGES = ("nl", "fr", "de", "en")
_MEDIA_TYPE = {"type": "string", "enum": sorted(ALLOWED_MEDIA_TYPES)}


def _page(item: str) -> dict[str, Any]:
    return _object(["items", "totalItems"], {"items": {"type": "array", "items": ref(item)}, "totalItems": _INT})


SCHEMAS: dict[str, dict[str, Any]] = {
    "StatusMessage": _object(["code", "message"], {"id": _STRING, "code": _STRING, "message": _STRING,
                                                   "environment": _STRING}),
    "TranslatedString": {"type": "object", "minProperties": 1,
                         "properties": {language: _STRING for language in _LANGUAGES}},
    "Digest": _object(["digestMethod", "digestValue"], {"digestMethod": {"type": "string", "enum": ["sha_256"]},
                                                        "digestValue": {**_STRING, "description": "base64url"}}),
    "EboxId": _object(["eboxType"], {"eboxType": {"type": "string", "enum": ["enterprise", "citizen"]},
                                     "eboxIdValue": _STRING, "enterpriseNumber": _STRING, "ssin": _STRING}),
    "Ebox": _object(["numberOfMessages"], {"numberOfMessages": _INT, "numberOfUnreadMessages": _INT,
                                           "lastReceiptDate": _MOMENT, "lastConsultationDate": _MOMENT,
                                           "eboxSize": _KB}),
    "Attachment": _object(["attachmentId", "fileName", "mediaType", "size", "mainContent"], {
        "attachmentId": _STRING, "attachmentTitle": ref("TranslatedString"), "fileName": _STRING,
        "mediaType": _STRING, "size": _KB, "mainContent": _BOOL, "attachmentSigned": _BOOL,
        "digest": ref("Digest"), "contentHref": _STRING}),
    "Attachments": _page("Attachment"),
    "Message": _object(["messageId", "subject", "receiptDate", "expirationDate", "readStatus", "registeredMail",
                        "messageTypeId", "senderOrganizationId", "bodyMainContent", "replyAuthorized"], {
        "messageId": _STRING, "originalMessageId": _STRING, "subject": ref("TranslatedString"),
        "receiptDate": _MOMENT, "expirationDate": _MOMENT, "readStatus": _BOOL, "visible": _BOOL,
        "registeredMail": _BOOL, "registeredMailType": {"type": "string", "enum": ["registered", "qualified"]},
        "messageTypeId": _STRING, "senderOrganizationId": _STRING, "senderApplicationId": {"type": ["string", "null"]},
        "bodyMainContent": _BOOL, "replyAuthorized": _BOOL, "attachments": ref("Attachments"),
        "partition": {"type": ["string", "null"]}, "contentWithheld": _BOOL, "deliveryState": _STRING}),
    "Messages": _page("Message"),
    "MessageToUpdate": _object(["messageId", "visible"], {"messageId": _STRING, "visible": _BOOL}),
    "MessagesToUpdate": _object(["items"], {"items": {"type": "array", "minItems": 1,
                                                      "items": ref("MessageToUpdate")}}),
    "MessageIdEboxId": _object(["messageId", "eboxId"], {"messageId": _STRING, "eboxId": ref("EboxId")}),
    "StatusQueries": {"type": "array", "minItems": 1, "items": ref("MessageIdEboxId")},
    "Acceptance": _object(["accept"], {"accept": {**_BOOL, "description": "true: accept qualified mail"}}),
    "AttachmentToPublish": _object(["mainContent"], {
        "httpPartName": {**_STRING, "description": "the multipart part holding the bytes"},
        "uploadId": {**_STRING, "description": "v3: a document uploaded first (POST /messageRegistry/v3/ebox/uploads)"},
        "mainContent": _BOOL, "attachmentTitle": ref("TranslatedString"), "digest": ref("Digest"),
        "attachmentSigned": _BOOL}),
    "BusinessDataToPublish": _object(["key", "values"], {
        "key": _STRING, "name": ref("TranslatedString"), "description": ref("TranslatedString"),
        "values": {"type": "array", "items": ref("TranslatedString")}}),
    "MessageToPublish": _object(["recipient", "subject", "messageTypeId"], {
        "sender": {**_object(["enterpriseNumber"], {"enterpriseNumber": _STRING, "applicationId": _STRING,
                                                    "partition": _STRING}),
                   "description": "v3; v2 names senderOrganizationId and senderApplicationId instead"},
        "senderOrganizationId": {**_STRING, "pattern": "^[0-1][0-9]{9}$"}, "senderApplicationId": _STRING,
        "recipient": ref("EboxId"), "messageTypeId": _STRING, "subject": ref("TranslatedString"),
        "bodyContent": ref("TranslatedString"), "bodyMainContent": _BOOL, "isBodyMainContent": _BOOL,
        "replyAuthorized": _BOOL, "isReplyAuthorized": _BOOL, "registeredMail": _BOOL, "isRegisteredMail": _BOOL,
        "registeredMailType": {"type": "string", "enum": ["registered", "qualified"]},
        "expirationDate": _MOMENT, "originalMessageId": _STRING, "forTheAttentionOf": {"type": "object"},
        "attachments": {"type": "array", "maxItems": MAX_DOCUMENTS, "items": ref("AttachmentToPublish")},
        "businessDataList": {"type": "array", "items": ref("BusinessDataToPublish")},
        "action": {"type": "object", "description": "v3: a message for action (what to do, by when)"}}),
    "PublicationStatusMessage": _object(["messageId", "expirationDate"], {
        "messageId": _STRING, "expirationDate": _MOMENT,
        "code": {**_STRING, "description": "e.g. NO_DIGITAL_USER: published, but the recipient reads on paper"}}),
    "DocumentToUpload": _object(["fileName", "size", "digest"], {
        "fileName": _STRING, "mediaType": _MEDIA_TYPE, "size": {"type": "integer", "minimum": 1},
        "digest": ref("Digest")}),
    "UploadRequest": _object(["documents"], {"documents": {"type": "array", "minItems": 1, "maxItems": MAX_DOCUMENTS,
                                                          "items": ref("DocumentToUpload")}}),
    "Uploads": _object(["uploads"], {"uploads": {"type": "array", "items": _object(
        ["uploadId", "fileName", "uploadUrl", "method", "headers", "expiresIn"], {
            "uploadId": _STRING, "fileName": _STRING, "size": _INT, "uploadUrl": _STRING,
            "method": {"type": "string", "enum": ["PUT"]}, "headers": {"type": "object"}, "expiresIn": _INT})}}),
    "Evidences": _object(["items", "totalItems"], {
        "items": {"type": "array", "items": {"type": "object", "description": (
            "a signed evidence record; once archived, its `archive`: the Object Lock object, the record's line and "
            "the batch's digest list (what `timeStampToken`, base64 DER RFC 3161, covers; docs/evidence.md)")}},
        "totalItems": _INT, "head": {**_STRING, "description": "the chain head, a compact JWS"},
        "contentWithheld": _BOOL}),
    "Backfill": {"type": "object", "additionalProperties": False, "properties": {
        "restart": {**_BOOL, "description": "true: a new run (the wipe first); false: go on with the saved one"},
        "pages": {"type": "integer", "minimum": 1, "maximum": 20, "description": "pages this call (default 3)"}}},
    "BackfillProgress": _object(["phase", "done"], {
        "phase": {"type": "string", "enum": ["wipe", "replay", "done"]}, "startedAt": _STRING, "removed": _INT,
        "messages": _INT, "pages": _INT, "done": _BOOL}),
    "IndexBackfill": {"type": "object", "additionalProperties": False, "properties": {
        "resume": {**_STRING, "description": "where the last step stopped (its answer's resume); absent: the start"},
        "items": {"type": "integer", "minimum": 1, "maximum": 5000, "description": "items read this step "
                                                                                   "(default 1000)"}}},
    "IndexBackfillProgress": _object(["updated", "done"], {
        "updated": _INT, "done": _BOOL,
        "resume": {"type": ["string", "null"], "description": "pass it to the next step; null when done"}}),
    "Rotation": {"type": "object", "additionalProperties": False, "properties": {"graceDays": {
        "type": "integer", "minimum": 0, "maximum": 90,
        "description": "how long the replaced key stays published (default 7; 0: withdrawn at once)"}}},
    "Approval": {"type": "object", "additionalProperties": False, "properties": {"externalClientId": {
        **_STRING, "pattern": "^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$",
        "description": "the client id the senders' external IdP issued; absent: a client of ours, its secret "
                       "answered once"}}},
}


def multipart_publication() -> dict[str, Any]:
    """A publication's multipart body: `messageToPublish` (JSON) and up to MAX_DOCUMENTS file parts."""
    files = {f"upfile{n}": {"type": "string", "contentMediaType": "application/octet-stream"}
             for n in range(1, MAX_DOCUMENTS + 1)}
    return {"schema": {"type": "object", "required": ["messageToPublish"],
                       "properties": {"messageToPublish": ref("MessageToPublish"), **files}},
            "encoding": {"messageToPublish": {"contentType": "application/json"}}}
