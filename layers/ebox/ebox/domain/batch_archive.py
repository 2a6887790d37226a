"""A batch archive dropped in the import bucket: a ZIP holding `manifest.jsonl` (one v3
`messageToPublish` per line, its `attachments[].httpPartName` naming files of the archive), the
documents, and optionally `batch.json` (`{"sendAt": ..., "dryRun": ...}`).

The archive is read defensively and never whole: the central directory and the manifest are streamed
from a seekable object (ranged reads of S3), and each document is later cut out of a byte range of
the archive (:func:`extract`). Refusals of the whole archive are InvalidInput: not a ZIP, encrypted
entries, entries with `..` or absolute paths, duplicate names, zip bombs (ratio and size limits).

A ZIP with `messageToPublish.json` and no manifest (the single-message package of the first drop
format) is read as a batch of one line.
"""

from __future__ import annotations

import json
import mimetypes
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from ebox.domain.errors import InvalidInput

MANIFEST = "manifest.jsonl"
SETTINGS = "batch.json"
LEGACY_METADATA = "messageToPublish.json"
MAX_ENTRIES = 2_100_000
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024 * 1024
MAX_DOCUMENT_RATIO = 100
MAX_MANIFEST_BYTES = 2 * 1024 * 1024 * 1024
MAX_MANIFEST_RATIO = 1000  # JSON lines that differ by a few fields compress very well
MAX_LINE_BYTES = 1024 * 1024
MAX_SETTINGS_BYTES = 4096
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class EntryLocation:
    """Where a document's bytes lie in the archive: its local header starts at ``start``; ``end`` is
    where the next entry (or the central directory) starts."""

    start: int
    end: int
    compressed_size: int
    size: int
    method: int
    crc: int

    def to_list(self) -> list[int]:
        return [self.start, self.end, self.compressed_size, self.size, self.method, self.crc]

    @classmethod
    def from_list(cls, values: list[int]) -> EntryLocation:
        return cls(*(int(v) for v in values))


def media_type_of(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


class BatchArchive:
    """The archive's table of contents, checked; the manifest's lines, streamed."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            self._zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise InvalidInput("the dropped object is not a ZIP archive") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InvalidInput(f"a batch archive holds at most {MAX_ENTRIES} entries")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            _check_entry(info)
            total += info.file_size
            if not info.is_dir():
                if info.filename in self._infos:
                    raise InvalidInput(f"entry '{info.filename}' appears twice in the archive")
                self._infos[info.filename] = info
        if total > MAX_TOTAL_BYTES:
            raise InvalidInput(f"the archive inflates beyond {MAX_TOTAL_BYTES} bytes")
        ordered = sorted(infos, key=lambda i: i.header_offset)
        directory_start = int(getattr(self._zip, "start_dir", ordered[-1].header_offset if ordered else 0))
        ends = [i.header_offset for i in ordered[1:]] + [directory_start]
        self._ends = {i.filename: end for i, end in zip(ordered, ends, strict=True)}

    def names(self) -> set[str]:
        return set(self._infos)

    def location(self, name: str) -> EntryLocation | None:
        info = self._infos.get(name)
        if info is None or name in (MANIFEST, SETTINGS):
            return None
        return EntryLocation(info.header_offset, self._ends[name], info.compress_size, info.file_size,
                             info.compress_type, info.CRC)

    def settings(self) -> dict[str, Any]:
        info = self._infos.get(SETTINGS)
        if info is None:
            return {}
        if info.file_size > MAX_SETTINGS_BYTES:
            raise InvalidInput(f"{SETTINGS} is larger than {MAX_SETTINGS_BYTES} bytes")
        try:
            data = json.loads(self._zip.read(info))
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(f"{SETTINGS} is not valid JSON") from None
        if not isinstance(data, dict):
            raise InvalidInput(f"{SETTINGS} must be a JSON object")
        return data

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, text) of each non-blank manifest line, numbered as an editor numbers them."""
        if MANIFEST not in self._infos:
            if LEGACY_METADATA in self._infos:
                yield 1, self._legacy_line()
                return
            raise InvalidInput(f"the archive has no {MANIFEST}")
        info = self._infos[MANIFEST]
        if info.file_size > MAX_MANIFEST_BYTES:
            raise InvalidInput(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
        if info.compress_size and info.file_size / info.compress_size > MAX_MANIFEST_RATIO:
            raise InvalidInput(f"{MANIFEST} inflates more than {MAX_MANIFEST_RATIO} times")
        with self._zip.open(info) as manifest:
            number = 0
            while True:
                raw = manifest.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    raise InvalidInput(f"{MANIFEST} line {number} is longer than {MAX_LINE_BYTES} bytes")
                text = raw.decode("utf-8", errors="replace").strip()
                if text:
                    yield number, text

    def _legacy_line(self) -> str:
        info = self._infos[LEGACY_METADATA]
        if info.file_size > MAX_LINE_BYTES:
            raise InvalidInput(f"{LEGACY_METADATA} is larger than {MAX_LINE_BYTES} bytes")
        raw = self._zip.read(info).decode("utf-8", errors="replace")
        try:
            return json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False)
        except ValueError:
            return " ".join(raw.split())


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or \
            ".." in name.replace("\\", "/").split("/"):
        raise InvalidInput(f"entry '{name}' has an absolute or parent path")
    if info.flag_bits & 0x1:
        raise InvalidInput(f"entry '{name}' is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InvalidInput(f"entry '{name}' uses a compression other than stored or deflate")
    if name in (MANIFEST, SETTINGS, LEGACY_METADATA) or info.is_dir():
        return
    if info.file_size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"entry '{name}' is larger than {MAX_DOCUMENT_BYTES} bytes")
    if info.compress_size and info.file_size / info.compress_size > MAX_DOCUMENT_RATIO:
        raise InvalidInput(f"entry '{name}' inflates more than {MAX_DOCUMENT_RATIO} times")


def extract(location: EntryLocation, data: bytes, data_start: int) -> bytes:
    """A document's bytes, cut from ``data`` (the archive's bytes from offset ``data_start`` on) and
    inflated within its declared size; its CRC-32 is checked."""
    at = location.start - data_start
    header = data[at : at + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise InvalidInput("a document's local header is damaged")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[9], fields[10]
    begin = at + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[begin : begin + location.compressed_size]
    if len(raw) != location.compressed_size:
        raise InvalidInput("a document is cut short in the archive")
    if location.method == zipfile.ZIP_STORED:
        content = bytes(raw)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            content = inflater.decompress(raw, location.size + 1)
        except zlib.error:
            raise InvalidInput("a document does not inflate") from None
    if len(content) != location.size or zlib.crc32(content) != location.crc:
        raise InvalidInput("a document's bytes do not match the archive's size or CRC-32")
    return content
