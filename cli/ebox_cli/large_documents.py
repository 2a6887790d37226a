"""Documents beyond the API's one-request cap: their digests computed while reading them in chunks,
pre-signed uploads asked for, each file streamed straight to S3 from disk. The process never holds a
document whole in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebox_cli.digests import b64url
from ebox_cli.publication import media_type_of

# The API's one-request cap (API Gateway → Lambda's payload limit, MaxRequestBytes), less room for the
# multipart framing and the messageToPublish part: above it, `ebox publish` uploads the documents first.
REQUEST_CAP = 4_400_000
MULTIPART_ROOM = 64 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileToUpload:
    path: Path
    media_type: str
    size: int
    digest: str  # base64url SHA-256

    def describe(self) -> dict[str, Any]:
        return {"fileName": self.path.name, "mediaType": self.media_type, "size": self.size,
                "digest": {"digestMethod": "sha_256", "digestValue": self.digest}}


def beyond_the_cap(paths: list[Path]) -> bool:
    return sum(p.stat().st_size for p in paths) + MULTIPART_ROOM > REQUEST_CAP


def file_to_upload(path: Path) -> FileToUpload:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return FileToUpload(path, media_type_of(path.name), size, b64url(digest.digest()))
