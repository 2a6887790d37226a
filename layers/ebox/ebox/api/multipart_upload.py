"""Reads a v3 publication body (multipart/form-data) part by part, in any order.

`messageToPublish` is kept in memory (it is small); each file part is hashed while it streams into
a spooled temporary file and handed to the content store's staging area when it ends, so a document
is never held twice and never whole in memory beyond the spool threshold.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ebox.domain.documents import b64url_of_digest, normalise_media_type
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
    stage: Stager,
    max_bytes: int,
    name_part: Callable[[int], str] | None = None,
) -> None:
    """Fills ``upload`` from the body. On failure, ``upload.documents`` lists what was already
    staged, for the caller to discard."""
    reader = _PublicationReader(upload, staging_prefix, stage, name_part)
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
    def __init__(self, upload: PublicationUpload, staging_prefix: str, stage: Stager,
                 name_part: Callable[[int], str] | None = None) -> None:
        self.upload = upload
        self._prefix = staging_prefix
        self._name_part = name_part
        self._stage = stage
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
        part.media_type = normalise_media_type(part.headers.get("content-type", "application/octet-stream"))
        if part.name == METADATA_PART:
            return
        if part.name in self.upload.documents:
            raise InvalidInput(f"the part '{part.name}' is sent twice")
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
        part.sha256.update(chunk)
        part.size += len(chunk)

    def _end(self) -> None:
        part = self._part
        if part.spool is None:
            if self.upload.metadata is not None:
                raise InvalidInput(f"the part '{METADATA_PART}' is sent twice")
            self.upload.metadata = bytes(part.buffer)
            return
        number = len(self.upload.documents)
        key = self._name_part(number) if self._name_part else f"{self._prefix}/{number}"
        part.spool.seek(0)
        self._stage(key, part.spool, part.media_type, part.size)
        part.spool.close()
        part.spool = None
        self.upload.documents[part.name] = ReceivedDocument(
            part_name=part.name,
            file_name=part.file_name or "",
            media_type=part.media_type,
            size=part.size,
            sha256_b64url=b64url_of_digest(part.sha256.digest()),
            staged_key=key,
        )

    def _done(self) -> None:
        self.finished = True

    def close(self) -> None:
        if self._part.spool is not None:
            self._part.spool.close()
            self._part.spool = None
