"""Batch archives for the bulk import tests: manifest lines (dicts, or raw text for broken ones) and files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from tests.apigw import PDF
from tests.fakes import RECIPIENT, b64url_sha256, message_json


def line_for(recipient: str = RECIPIENT, document: str = "documents/avis.pdf", data: bytes = PDF,
             **overrides: Any) -> dict[str, Any]:
    return message_json(recipient={"eboxType": "enterprise", "enterpriseNumber": recipient}, attachments=[
        {"httpPartName": document, "isMainContent": True,
         "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(data)}}], **overrides)


def archive(lines: list[Any], files: dict[str, bytes] | None = None, settings: dict[str, Any] | None = None,
            compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as out:
        for name, data in (files if files is not None else {"documents/avis.pdf": PDF}).items():
            out.writestr(name, data)
        out.writestr("manifest.jsonl", "".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                                               for line in lines))
        if settings is not None:
            out.writestr("batch.json", json.dumps(settings))
    return buffer.getvalue()
