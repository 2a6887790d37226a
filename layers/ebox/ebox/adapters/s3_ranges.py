"""Reading an S3 object by byte ranges, so that a multi-gigabyte archive is never loaded whole: a
seekable file for `zipfile` (its central directory and the manifest), and single ranged reads."""

from __future__ import annotations

import io
from typing import Any

from botocore.exceptions import ClientError

from ebox.adapters.aws_errors import call, classified, error_code
from ebox.domain.errors import InvalidInput

READ_AHEAD = 4 * 1024 * 1024


def fetch_range(s3: Any, bucket: str, key: str, start: int, end: int, *, version: str | None = None,
                etag: str | None = None) -> bytes:
    """Bytes [start, end) of that very object: its ``version`` (the import bucket is versioned, so a
    batch dropped again over a running one does not change what the running one reads), else the
    object if its ``etag`` still matches."""
    if end <= start:
        return b""
    extra = {"VersionId": version} if version else ({"IfMatch": f'"{etag}"'} if etag else {})
    try:
        with classified(f"could not read the archive {key}"):
            response = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}", **extra)
            return bytes(response["Body"].read())
    except ClientError as error:
        if error_code(error) in ("NoSuchKey", "NoSuchVersion", "PreconditionFailed", "412", "InvalidRange"):
            raise InvalidInput(f"the archive {key} was removed or replaced while it was imported") from None
        raise


class S3ObjectReader(io.RawIOBase):
    """A read-only, seekable view of one object version; wrap it in io.BufferedReader."""

    def __init__(self, s3: Any, bucket: str, key: str, *, version: str | None = None) -> None:
        super().__init__()
        self._s3, self._bucket, self._key, self.version = s3, bucket, key, version
        try:
            head = call(s3, "head_object", failure=f"could not read the archive {key}", Bucket=bucket, Key=key,
                        **({"VersionId": version} if version else {}))
        except ClientError as error:
            if error_code(error) in ("404", "NoSuchKey", "NotFound", "NoSuchVersion"):
                raise InvalidInput(f"the archive {key} is not in the import bucket") from None
            raise
        self.size = int(head["ContentLength"])
        self.etag = str(head.get("ETag", "")).strip('"')
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.size - self._position)
        if wanted <= 0:
            return 0
        data = fetch_range(self._s3, self._bucket, self._key, self._position, self._position + wanted,
                           version=self.version, etag=self.etag)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


class S3ArchiveReader:
    """The dropped archives of the import bucket, read by ranges (the bulk import's view of S3)."""

    def __init__(self, s3_client: Any) -> None:
        self._s3 = s3_client

    def open(self, bucket: str, key: str, *, version: str | None = None) -> tuple[io.BufferedReader, str]:
        """A seekable file of that object version and its ETag; raises InvalidInput when it is gone."""
        raw = S3ObjectReader(self._s3, bucket, key, version=version)
        return io.BufferedReader(raw, buffer_size=READ_AHEAD), raw.etag

    def fetch(self, bucket: str, key: str, start: int, end: int, *, version: str | None = None,
              etag: str | None = None) -> bytes:
        """Bytes [start, end) of that very object (see :func:`fetch_range`)."""
        return fetch_range(self._s3, bucket, key, start, end, version=version, etag=etag)
