"""The v3 publication request: documents read once, their digests, and the `messageToPublish` linking them."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ebox_cli.digests import sha256_b64url

# The e-Box's document types by extension, so that the guess does not depend on the host's mime.types.
KNOWN_TYPES = {
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".htm": "text/html",
    ".html": "text/html",
    ".xml": "application/xml",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".odg": "application/vnd.oasis.opendocument.graphics",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
}


class Uploadable(Protocol):
    @property
    def path(self) -> Path: ...
    @property
    def digest(self) -> str: ...


@dataclass(frozen=True)
class Document:
    """A file to publish. Its bytes are read once, so the digest announced is that of the bytes sent."""

    part_name: str
    file_name: str
    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return sha256_b64url(self.data)


def media_type_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    guessed, _ = mimetypes.guess_type(file_name, strict=False)
    return KNOWN_TYPES.get(suffix) or guessed or "application/octet-stream"


def load_documents(paths: list[Path]) -> list[Document]:
    """`upfile1`, `upfile2`, ... in the order given: the first is the main content."""
    return [Document(f"upfile{index}", path.name, media_type_of(path.name), path.read_bytes())
            for index, path in enumerate(paths, start=1)]


def recipient_of(identifier: str) -> dict[str, str]:
    """An 11-digit national register number (SSIN) is a citizen's My eBox; anything else an enterprise's."""
    digits = identifier.replace(".", "").replace("-", "").replace(" ", "")
    if len(digits) == 11 and digits.isdigit():
        return {"eboxType": "citizen", "ssin": digits}
    return {"eboxType": "enterprise", "enterpriseNumber": identifier}


def message_to_publish(*, sender: str, application: str, message_type: str, recipient: str, subject: str,
                       language: str, body: str | None, documents: list[Document],
                       uploads: Sequence[Uploadable] = ()) -> dict[str, Any]:
    """The `messageToPublish` part: the first document is the main content, or the body when there is none.
    ``uploads``: documents sent beforehand (their attachments get an `uploadId` once uploaded)."""
    message: dict[str, Any] = {
        "sender": {"eboxType": "enterprise", "enterpriseNumber": sender},
        "senderApplicationId": application,
        "recipient": recipient_of(recipient),
        "messageTypeId": message_type,
        "subject": {language: subject},
        "isBodyMainContent": not documents and not uploads,
        "attachments": [{
            "httpPartName": document.part_name,
            "isMainContent": index == 0,
            "attachmentTitle": {language: Path(document.file_name).stem or document.file_name},
            "digest": {"digestMethod": "sha_256", "digestValue": document.digest},
        } for index, document in enumerate(documents)] + [{
            "isMainContent": index == 0,
            "attachmentTitle": {language: upload.path.stem or upload.path.name},
            "digest": {"digestMethod": "sha_256", "digestValue": upload.digest},
        } for index, upload in enumerate(uploads)],
    }
    if body:
        message["bodyContent"] = {language: body}
    return message
