"""A message's documents: every one fetched and checked against its SHA-256 before any is written, then
written atomically, so a document that fails its check leaves nothing on disk."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ebox_cli.answers import Attachment, Message
from ebox_cli.api_client import EboxClient
from ebox_cli.digests import sha256_b64url
from ebox_cli.errors import DigestMismatch, SaveFailed


@dataclass(frozen=True)
class VerifiedDocument:
    attachment: Attachment
    data: bytes


def fetch_verified(client: EboxClient, message: Message) -> list[VerifiedDocument]:
    """Each document's bytes, whose SHA-256 matches the metadata's digest (and the response's digest header)."""
    verified = []
    for attachment in message.attachments:
        content = client.content(attachment.content_href)
        actual = sha256_b64url(content.data)
        if actual != attachment.digest:
            raise DigestMismatch(attachment.file_name, attachment.digest, actual)
        if content.header_digest is not None and content.header_digest != actual:
            raise DigestMismatch(attachment.file_name, content.header_digest, actual, "the response's digest header")
        verified.append(VerifiedDocument(attachment, content.data))
    return verified


def save(documents: list[VerifiedDocument], directory: Path) -> list[Path]:
    targets = _targets(documents, directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SaveFailed(f"cannot create {directory}: {error.strerror or error}") from None
    for document, target in zip(documents, targets, strict=True):
        _write_atomically(target, document.data)
    return targets


def safe_file_name(name: str, fallback: str) -> str:
    """The last path segment of a name the sender chose, without directory parts or a leading dot."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base or fallback


def _targets(documents: list[VerifiedDocument], directory: Path) -> list[Path]:
    """One distinct path per document, even when two documents share a file name."""
    taken: set[str] = set()
    targets = []
    for document in documents:
        name = safe_file_name(document.attachment.file_name, document.attachment.attachment_id)
        stem, suffix = Path(name).stem, Path(name).suffix
        counter = 2
        while name.lower() in taken:
            name = f"{stem} ({counter}){suffix}"
            counter += 1
        taken.add(name.lower())
        targets.append(directory / name)
    return targets


def _write_atomically(target: Path, data: bytes) -> None:
    """Written beside the target, then renamed over it. Like the temporary file, the document is readable by
    its owner only (mode 0600): e-Box documents are confidential."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".ebox-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SaveFailed(f"cannot write {target}: {error.strerror or error}") from None
