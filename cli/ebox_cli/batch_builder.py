"""`ebox bulk make`: a batch archive from what a clerk has, a CSV (one row per message) and a folder of
PDFs. The archive holds `manifest.jsonl` (one v3 messageToPublish per row, each document named by its
path in the archive and announced with its SHA-256), the documents once each, and `batch.json` when
the batch is scheduled (`sendAt`) or a dry run.

CSV columns: `enterpriseNumber` and `document` (a file of the folder) are required; `subject_fr`,
`subject_nl`, `subject_de` override the default subject; `registered` (yes/no) asks for registered mail."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebox_cli.errors import BatchInputError

REQUIRED = ("enterpriseNumber", "document")
LANGUAGES = ("fr", "nl", "de")


@dataclass(frozen=True)
class BatchIdentity:
    sender: str
    application: str
    message_type: str
    subject: dict[str, str]


@dataclass(frozen=True)
class BuiltBatch:
    path: Path
    lines: int
    documents: int


def b64url_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def read_rows(csv_path: Path) -> list[dict[str, str]]:
    try:
        with csv_path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise BatchInputError(f"{csv_path} has no column {', '.join(missing)} (needed: {', '.join(REQUIRED)})")
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except OSError as error:
        raise BatchInputError(f"cannot read {csv_path}: {error.strerror}") from None


def message_line(row: dict[str, str], identity: BatchIdentity, document: str, digest: str) -> dict[str, Any]:
    subject = {lang: row[f"subject_{lang}"] for lang in LANGUAGES if row.get(f"subject_{lang}")} or identity.subject
    message: dict[str, Any] = {
        "sender": {"eboxType": "enterprise", "enterpriseNumber": identity.sender},
        "senderApplicationId": identity.application,
        "messageTypeId": identity.message_type,
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": row["enterpriseNumber"]},
        "subject": subject,
        "attachments": [{"httpPartName": document, "isMainContent": True,
                         "digest": {"digestMethod": "sha_256", "digestValue": digest}}],
    }
    if row.get("registered", "").lower() in ("yes", "true", "1", "oui", "ja"):
        message["isRegisteredMail"] = True
    return message


def build_batch(rows: Iterable[dict[str, str]], folder: Path, out: Path, identity: BatchIdentity, *,
                send_at: str | None = None, dry_run: bool = False) -> BuiltBatch:
    """Writes the archive: documents first, in the order rows use them (so that the import reads each
    chunk's documents in one range), then the manifest."""
    digests: dict[str, str] = {}
    count = 0
    with tempfile.TemporaryFile("w+b") as manifest, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                      allowZip64=True) as archive:
        for number, row in enumerate(rows, start=2):
            name = row.get("document", "")
            if not name or Path(name).name != name:
                raise BatchInputError(f"CSV line {number}: document '{name}' must be a file name of {folder}")
            entry = f"documents/{name}"
            if entry not in digests:
                path = folder / name
                try:
                    data = path.read_bytes()
                except OSError as error:
                    raise BatchInputError(f"CSV line {number}: cannot read {path}: {error.strerror}") from None
                archive.writestr(zipfile.ZipInfo(entry), data, compress_type=zipfile.ZIP_STORED)
                digests[entry] = b64url_sha256(data)
            line = message_line(row, identity, entry, digests[entry])
            manifest.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            count += 1
        if count == 0:
            raise BatchInputError("the CSV has no rows")
        manifest.seek(0)
        with archive.open("manifest.jsonl", "w", force_zip64=True) as target:
            while block := manifest.read(1 << 20):
                target.write(block)
        settings = {k: v for k, v in (("sendAt", send_at), ("dryRun", dry_run or None)) if v}
        if settings:
            archive.writestr("batch.json", json.dumps(settings))
    return BuiltBatch(out, count, len(digests))
