"""Documents of a bulk import kept inside their batch's archive (issue 14): the archive is copied once per
run into the content bucket, and each published document names its entry there instead of being put again
at a key of its own. Its attachment's ``content_key`` is then ``<archive key>#entry=<location>``, the
entry's place in the archive (ebox.domain.batch_archive.EntryLocation); reading it is one ranged GET, the
entry inflated and checked (its CRC-32 by :func:`extract`, its SHA-256 against the digest the message and
its evidence carry, by :func:`open_entry`)."""

from __future__ import annotations

from dataclasses import dataclass

from ebox.domain.batch_archive import EntryLocation, extract
from ebox.domain.documents import sha256_b64url
from ebox.domain.errors import InvalidInput

MARK = "#entry="
# Larger documents are answered by a 303 to a pre-signed GET of their own key (the API's inline limit,
# ebox.api.consult_routes.INLINE_DOCUMENT_BYTES): those are put at a key of their own.
MAX_KEPT_IN_ARCHIVE = 4 * 1024 * 1024


@dataclass(frozen=True)
class ArchivedEntry:
    archive_key: str
    location: EntryLocation


def kept_archive_key(sender: str, batch_id: str, run: str) -> str:
    """Where a run's archive is kept in the content bucket, for as long as its messages are."""
    return f"archives/{sender}/{batch_id}/{run}.zip"


def entry_reference(archive_key: str, location: EntryLocation) -> str:
    return f"{archive_key}{MARK}{','.join(str(v) for v in location.to_list())}"


def archived_entry(content_key: str) -> ArchivedEntry | None:
    """The archive and entry a content key names; None for a document stored at a key of its own."""
    archive_key, mark, place = content_key.partition(MARK)
    if not mark:
        return None
    return ArchivedEntry(archive_key, EntryLocation.from_list([int(v) for v in place.split(",")]))


def open_entry(entry: ArchivedEntry, data: bytes, data_start: int, sha256: str) -> bytes:
    """The document's bytes out of the archive's range; refused unless they hash to ``sha256``."""
    content = extract(entry.location, data, data_start)
    if sha256_b64url(content) != sha256:
        raise InvalidInput("a document kept in its batch archive does not match its SHA-256")
    return content


@dataclass(frozen=True)
class ChunkArchive:
    """A chunk's documents: their bytes (read from the dropped archive), their entries, and where the run's
    archive is kept (None for a chunk planned before archives were kept: its documents are put one by one)."""

    kept_key: str | None
    documents: dict[str, tuple[bytes, EntryLocation]]
