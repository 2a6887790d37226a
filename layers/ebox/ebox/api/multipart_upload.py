"""Reads a publication body (multipart/form-data, v3 or v2 `publishMessage`) part by part, in any order.

`messageToPublish` is kept in memory (it is small); each file part is hashed while it streams into
a spooled temporary file, so a document is never held twice and never whole in memory beyond the spool
threshold. Nothing is staged while the body is read: the caller checks the documents against what
`messageToPublish` announces (ebox.domain.documents.match_documents) and only then stages them
(:meth:`PublicationUpload.stage_all`), so an extra, a seventh or a mistyped document costs no write.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ebox.domain.documents import HEAD_BYTES, MAX_DOCUMENTS, b64url_of_digest, media_type_of
from ebox.domain.errors import InvalidInput, PayloadTooLarge
from ebox.domain.message import ReceivedDocument

METADATA_PART = "messageToPublish"
MAX_METADATA_BYTES = 1_000_000
SPOOL_BYTES = 1_048_576

Stager = Callable[[str, IO[bytes], str, int], None]


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    file_name: str | None = None
    media_type: str = "application/octet-stream"
    buffer: bytearray = field(default_factory=bytearray)
    spool: Any = None
    sha256: Any = None
    size: int = 0


@dataclass
class PublicationUpload:
    metadata: bytes | None = None
    documents: dict[str, ReceivedDocument] = field(default_factory=dict)
    spools: dict[str, Any] = field(default_factory=dict)  # part name -> its bytes, until staged
    staged: list[ReceivedDocument] = field(default_factory=list)

    def stage_all(self, stage: Stager) -> None:
        """Hands every document read from the body to the staging area (once checked against the
        announcement); a document named by `uploadId` is already stored and has nothing to stage."""
        for name, document in self.documents.items():
            spool = self.spools.pop(name, None)
            if spool is None:
                continue
            spool.seek(0)
            try:
                stage(document.staged_key, spool, document.media_type, document.size)
            finally:
                spool.close()
            self.staged.append(document)

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
        self.spools.clear()


def boundary_of(content_type: str | None) -> bytes:
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise InvalidInput("a publication is sent as multipart/form-data with a boundary")
    return options[b"boundary"]


def read_publication(
    chunks: Iterable[bytes],
    upload: PublicationUpload,
    *,
    content_type: str | None,
    staging_prefix: str,
    max_bytes: int,
) -> None:
    """Fills ``upload`` from the body, staging nothing (the caller closes ``upload`` on failure)."""
    reader = _PublicationReader(upload, staging_prefix)
    parser = MultipartParser(boundary_of(content_type), reader.callbacks(), max_size=max_bytes + 1)  # type: ignore[arg-type]
    received = 0
    try:
        for chunk in chunks:
            received += len(chunk)
            if received > max_bytes:
                raise PayloadTooLarge(f"a publication may not exceed {max_bytes} bytes")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as error:
        raise InvalidInput(f"the multipart body is malformed: {error}") from None
    except (InvalidInput, PayloadTooLarge):
        raise
    finally:
        reader.close()
    if not reader.finished:
        raise InvalidInput("the multipart body ends before its closing boundary")
    if reader.upload.metadata is None:
        raise InvalidInput(f"the part '{METADATA_PART}' is missing")


class _PublicationReader:
    def __init__(self, upload: PublicationUpload, staging_prefix: str) -> None:
        self.upload = upload
        self._prefix = staging_prefix
        self._part = _Part()
        self._field = b""
        self._value = b""
        self.finished = False

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._append_field(data[start:end]),
            "on_header_value": lambda data, start, end: self._append_value(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
            "on_end": self._done,
        }

    def _begin(self) -> None:
        self._part = _Part()

    def _append_field(self, data: bytes) -> None:
        self._field += data

    def _append_value(self, data: bytes) -> None:
        self._value += data

    def _header_end(self) -> None:
        self._part.headers[self._field.decode("latin-1").lower()] = self._value.decode("utf-8", "replace")
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        part = self._part
        disposition, options = parse_options_header(part.headers.get("content-disposition", ""))
        if disposition != b"form-data" or not options.get(b"name"):
            raise InvalidInput("every part needs a Content-Disposition: form-data header with a name")
        part.name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            part.file_name = options[b"filename"].decode("utf-8", "replace")
        part.media_type = media_type_of(part.headers.get("content-type", "application/octet-stream"), part.file_name)
        if part.name == METADATA_PART:
            return
        if part.name in self.upload.documents:
            raise InvalidInput(f"the part '{part.name}' is sent twice")
        if len(self.upload.documents) >= MAX_DOCUMENTS:
            raise InvalidInput(f"at most {MAX_DOCUMENTS} documents per message: part '{part.name[:100]}' is one more")
        part.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed in _end/close
        part.sha256 = hashlib.sha256()

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        chunk = data[start:end]
        if part.spool is None:
            if len(part.buffer) + len(chunk) > MAX_METADATA_BYTES:
                raise InvalidInput(f"'{METADATA_PART}' is larger than {MAX_METADATA_BYTES} bytes")
            part.buffer += chunk
            return
        part.spool.write(chunk)
        if len(part.buffer) < HEAD_BYTES:
            part.buffer += chunk[: HEAD_BYTES - len(part.buffer)]  # a document's first bytes: its type's magic
        part.sha256.update(chunk)
        part.size += len(chunk)

    def _end(self) -> None:
        part = self._part
        if part.spool is None:
            if self.upload.metadata is not None:
                raise InvalidInput(f"the part '{METADATA_PART}' is sent twice")
            self.upload.metadata = bytes(part.buffer)
            return
        key = f"{self._prefix}/{len(self.upload.documents)}"
        self.upload.spools[part.name] = part.spool
        part.spool = None
        self.upload.documents[part.name] = ReceivedDocument(
            part_name=part.name,
            file_name=part.file_name or "",
            media_type=part.media_type,
            size=part.size,
            sha256_b64url=b64url_of_digest(part.sha256.digest()),
            staged_key=key,
            head=bytes(part.buffer),
        )

    def _done(self) -> None:
        self.finished = True

    def close(self) -> None:
        if self._part.spool is not None:
            self._part.spool.close()
            self._part.spool = None
