"""What one bulk-download package holds, member by member, produced lazily so that it can be streamed:

  <messageId>/message.json                     the message's metadata, as GET …/messages/{id} shows it
  <messageId>/evidences.json                   its signed evidence records, in chain order (if any)
  <messageId>/documents/<attachmentId>-<name>  each document, the exact bytes published
  manifest.json                                last: every entry above with its size and SHA-256 (hex)

Each document's bytes are hashed as they stream and checked against the digest recorded at publication:
a document that fails it stops the build (nothing half-checked is handed out)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ebox.domain.consultation import Consultation
from ebox.domain.documents import b64url_of_digest
from ebox.domain.downloads import DownloadJob
from ebox.domain.errors import ContentIntegrityError
from ebox.domain.message import Message, StoredAttachment

MANIFEST = "manifest.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class PackageWriter(Protocol):
    """One build of a download package: written once, then its key, size and digest are known."""

    key: str
    size: int

    @property
    def sha256(self) -> str: ...

    def write_package(self, members: Iterable[PackageMember], modified_at: datetime) -> None: ...


class DocumentReader(Protocol):
    def document_chunks(self, attachment: StoredAttachment) -> Iterator[bytes]:
        """The document's bytes, in chunks of bounded size (never the whole document at once)."""
        ...


@dataclass
class PackageMember:
    name: str
    size: int
    compressible: bool
    chunks: Callable[[], Iterable[bytes]]


@dataclass
class Manifest:
    job: DownloadJob
    messages: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def render(self) -> bytes:
        return json.dumps({
            "downloadId": self.job.download_id, "enterpriseNumber": self.job.enterprise_number,
            "createdAt": self.job.created_at, "digestAlgorithm": "SHA-256", "messages": self.messages,
            "entries": self.entries,
        }, ensure_ascii=False, indent=1).encode()


def safe_file_name(name: str) -> str:
    """A file name that stays one path segment in the archive (no '/', '..' or control characters)."""
    cleaned = _UNSAFE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return cleaned[:120] or "document"


def _json_member(name: str, data: Any) -> PackageMember:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return PackageMember(name, len(body), True, lambda: [body])


def _compressible(media_type: str) -> bool:
    """Text compresses; PDFs, images and office files are compressed already (deflating them again costs
    CPU for a few per cent: they are stored in deflate's uncompressed blocks, ten times faster)."""
    return media_type.startswith("text/") or media_type in ("application/json", "application/xml")


def _checked(attachment: StoredAttachment, chunks: Iterator[bytes], message_id: str) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    if b64url_of_digest(digest.digest()) != attachment.sha256_b64url:
        raise ContentIntegrityError(f"attachment {attachment.attachment_id} of {message_id} fails its digest check")


def _message_members(message: Message, evidences: list[dict[str, Any]], view: dict[str, Any],
                     documents: DocumentReader) -> tuple[list[PackageMember], dict[str, Any]]:
    prefix = message.message_id
    members = [_json_member(f"{prefix}/message.json", view)]
    if evidences:
        members.append(_json_member(f"{prefix}/evidences.json", {"items": evidences, "totalItems": len(evidences)}))
    summary: dict[str, Any] = {"messageId": message.message_id, "subject": message.subject,
                               "receiptDate": message.receipt_date, "evidences": len(evidences)}
    if message.content_withheld:
        summary.update(documents=0, contentWithheld=True)
        return members, summary
    for attachment in message.attachments:
        def chunks(a: StoredAttachment = attachment) -> Iterator[bytes]:
            return _checked(a, documents.document_chunks(a), message.message_id)

        name = f"{prefix}/documents/{attachment.attachment_id}-{safe_file_name(attachment.file_name)}"
        members.append(PackageMember(name, attachment.size, _compressible(attachment.media_type), chunks))
    summary["documents"] = len(message.attachments)
    return members, summary


def package_members(job: DownloadJob, consultation: Consultation, documents: DocumentReader, *,
                    evidences_of: Callable[[str], list[dict[str, Any]]],
                    message_view: Callable[[Message], dict[str, Any]],
                    on_message_done: Callable[[int, int], None],
                    now: Callable[[], str] | None = None) -> Iterator[PackageMember]:
    """The members of ``job``'s package in order, each message re-read through ``consultation`` (the
    requester's rights); the manifest last, listing what was actually streamed. ``on_message_done(count,
    document_bytes)`` is called once a message's members have all been streamed. A message whose content
    went into the package has been opened: its ContentHandover is recorded and it is read (``now``)."""
    manifest = Manifest(job)
    done_bytes = 0
    for count, message_id in enumerate(job.message_ids, start=1):
        message = consultation.message(message_id)
        members, summary = _message_members(message, evidences_of(message_id), message_view(message), documents)
        manifest.messages.append(summary)
        for member in members:
            yield _digested(member, manifest)
        if now is not None and not message.content_withheld:
            consultation.record_handover(message, now())
        done_bytes += 0 if message.content_withheld else message.total_size
        on_message_done(count, done_bytes)
    rendered: list[bytes] = []

    def manifest_chunks() -> Iterator[bytes]:
        rendered.append(manifest.render())
        yield rendered[0]

    yield PackageMember(MANIFEST, -1, True, manifest_chunks)


def _digested(member: PackageMember, manifest: Manifest) -> PackageMember:
    """The same member, whose bytes are counted and hashed into the manifest as they stream."""
    def chunks() -> Iterator[bytes]:
        digest, size = hashlib.sha256(), 0
        for chunk in member.chunks():
            digest.update(chunk)
            size += len(chunk)
            yield chunk
        manifest.entries.append({"path": member.name, "size": size, "sha256": digest.hexdigest()})

    return PackageMember(member.name, member.size, member.compressible, chunks)
