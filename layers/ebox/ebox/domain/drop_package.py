"""A message package dropped in the import bucket: a ZIP holding `messageToPublish.json` and the
documents it names (each `attachments[].httpPartName` is a file name inside the archive).

The archive is read defensively: entries with `..` or absolute paths, archives that inflate too
much (zip bombs), or too many entries are refused whole with INVALID_INPUT.
"""

from __future__ import annotations

import io
import mimetypes
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from ebox.domain.errors import InvalidInput

METADATA_FILE = "messageToPublish.json"
MAX_ENTRIES = 20
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100


@dataclass(frozen=True)
class PackageEntry:
    name: str
    media_type: str
    size: int


def owner_of(key: str) -> str:
    """The sender organisation owning an import key: its first path segment (`<org>/...`)."""
    owner, _, rest = key.partition("/")
    if not rest:
        raise InvalidInput(f"'{key}' is not under a sender's prefix (<enterprise number>/...)")
    return owner


def media_type_of(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


class DropPackage:
    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError):
            raise InvalidInput("the dropped object is not a ZIP archive") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InvalidInput(f"a message package holds at most {MAX_ENTRIES} entries")
        total = 0
        for info in infos:
            if info.filename.startswith(("/", "\\")) or ".." in info.filename.replace("\\", "/").split("/"):
                raise InvalidInput(f"entry '{info.filename}' has an absolute or parent path")
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise InvalidInput(f"entry '{info.filename}' inflates more than {MAX_RATIO} times")
        if total > MAX_UNCOMPRESSED:
            raise InvalidInput(f"the package inflates beyond {MAX_UNCOMPRESSED} bytes")
        self._infos = {i.filename: i for i in infos if not i.is_dir()}

    def metadata(self) -> bytes:
        if METADATA_FILE not in self._infos:
            raise InvalidInput(f"the package has no {METADATA_FILE}")
        return self._zip.read(METADATA_FILE)

    def documents(self) -> Iterator[tuple[PackageEntry, IO[bytes]]]:
        for name, info in self._infos.items():
            if name == METADATA_FILE:
                continue
            yield PackageEntry(name, media_type_of(name), info.file_size), self._zip.open(info)
