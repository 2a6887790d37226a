"""Documents beyond the API's payload cap: a sender first asks for pre-signed uploads (each document's
file name, media type, size and SHA-256), puts each document straight to S3, then publishes the
message naming them by `uploadId` instead of sending them as file parts.

An upload is keyed by its sender's organisation (`uploads/<org>/<uploadId>`), so a sender can only
publish its own uploads; the key is the document's final key (no copy when it is published)."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from typing import Any

from ebox.domain.documents import (
    ALLOWED_MEDIA_TYPES,
    MAX_DOCUMENTS,
    MAX_FILE_NAME,
    is_plain_file_name,
    media_type_of,
)
from ebox.domain.errors import InvalidInput

UPLOAD_PREFIX = "uploads/"
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024  # 1 GiB per document (a single S3 PUT takes up to 5 GB)
UPLOAD_URL_SECONDS = 3600  # the pre-signed PUT's validity; an unused upload expires after a day (lifecycle)


@dataclass(frozen=True)
class DocumentToUpload:
    file_name: str
    media_type: str
    size: int
    sha256_b64url: str

    @property
    def sha256_base64(self) -> str:
        """The digest as S3's `x-amz-checksum-sha256` wants it (standard base64, padded)."""
        return base64.b64encode(_digest_bytes(self.sha256_b64url)).decode()


def upload_key(organization: str, upload_id: str) -> str:
    if not upload_id or not all(c.isalnum() or c == "-" for c in upload_id) or len(upload_id) > 64:
        raise InvalidInput(f"'{upload_id}' is not an uploadId")
    return f"{UPLOAD_PREFIX}{organization}/{upload_id}"


def new_upload_id() -> str:
    return secrets.token_hex(16)


def _digest_bytes(value: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput("digest.digestValue is the base64url of a SHA-256 (43 characters)")
    return raw


def parse_upload_request(body: Any) -> list[DocumentToUpload]:
    """`{"documents": [{"fileName", "mediaType"?, "size", "digest": {"digestMethod": "sha_256",
    "digestValue"}}]}`: every document checked before any URL is given."""
    documents = body.get("documents") if isinstance(body, dict) else None
    if not isinstance(documents, list) or not 1 <= len(documents) <= MAX_DOCUMENTS:
        raise InvalidInput(f'the body is {{"documents": [...]}}, 1 to {MAX_DOCUMENTS} documents')
    return [_document(item, f"documents[{i}]") for i, item in enumerate(documents)]


def _document(item: Any, where: str) -> DocumentToUpload:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} must be an object")
    name = item.get("fileName")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_FILE_NAME:
        raise InvalidInput(f"{where}.fileName: 1 to {MAX_FILE_NAME} characters")
    if not is_plain_file_name(name):
        raise InvalidInput(f"{where}.fileName may not hold a path or control characters")
    media_type = media_type_of(str(item.get("mediaType") or ""), name)
    if media_type not in ALLOWED_MEDIA_TYPES:
        raise InvalidInput(f"{where}: media type '{media_type}' is not allowed in an e-Box")
    size = item.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_UPLOAD_BYTES:
        raise InvalidInput(f"{where}.size: 1 to {MAX_UPLOAD_BYTES} bytes")
    digest = item.get("digest")
    if not isinstance(digest, dict) or str(digest.get("digestMethod", "sha_256")).lower() not in ("sha_256", "sha-256"):
        raise InvalidInput(f"{where}.digest must be {{digestMethod: 'sha_256', digestValue}}")
    value = digest.get("digestValue")
    if not isinstance(value, str):
        raise InvalidInput(f"{where}.digest.digestValue is required")
    _digest_bytes(value.rstrip("="))
    return DocumentToUpload(name, media_type, size, value.rstrip("="))
