"""Bulk-download packages in S3, built by streaming: documents are read from the content bucket in chunks,
zipped on the fly (stream-zip, Zip64 where sizes or offsets need it) and written to the downloads bucket
through a multipart upload, one part at a time. Memory holds one part (PART_BYTES) and a few chunks,
whatever the package's size.

Layout of the downloads bucket: ``<enterpriseNumber>/<downloadId>/<build>.zip`` (expired by a lifecycle rule)."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from stream_zip import ZIP_AUTO, stream_zip

from ebox.adapters.aws_errors import classified, error_code
from ebox.adapters.content_store import read_archived
from ebox.domain.archived_documents import archived_entry
from ebox.domain.download_package import PackageMember
from ebox.domain.errors import DependencyRefused
from ebox.domain.message import StoredAttachment

READ_CHUNK_BYTES = 1024 * 1024
PART_BYTES = 8 * 1024 * 1024  # S3 parts are 5 MiB at least; 10,000 parts of 8 MiB reach 80 GB
ZIP_CHUNK_BYTES = 256 * 1024
_MODE = stat.S_IFREG | 0o644


def package_key(enterprise_number: str, download_id: str, build: str) -> str:
    """Each build of a job writes its own object: two deliveries of the same job never mix their parts."""
    return f"{enterprise_number}/{download_id}/{build}.zip"


class S3DocumentReader:
    def __init__(self, s3_client: Any, *, bucket: str, chunk_bytes: int = READ_CHUNK_BYTES) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._chunk_bytes = chunk_bytes

    def document_chunks(self, attachment: StoredAttachment) -> Iterator[bytes]:
        entry = archived_entry(attachment.content_key)
        with _package_step(f"could not read document {attachment.attachment_id}"):
            if entry is not None:  # a bulk document inside its kept archive (at most 4 MiB): read whole
                yield read_archived(self._s3, self._bucket, entry, attachment)
                return
            body = self._s3.get_object(Bucket=self._bucket, Key=attachment.content_key)["Body"]
            yield from body.iter_chunks(chunk_size=self._chunk_bytes)


@contextmanager
def _package_step(failure: str) -> Iterator[None]:
    """A transient failure is a TransientError (the job is delivered again); any other AWS failure a
    DependencyRefused, for the build to end the job FAILED at once instead of leaving it RUNNING."""
    try:
        with classified(failure):
            yield
    except (ClientError, BotoCoreError) as refused:
        raise DependencyRefused(f"{failure} ({error_code(refused) or type(refused).__name__})") from refused


def zipped(members: Iterable[PackageMember], modified_at: datetime | None = None) -> Iterable[bytes]:
    """The ZIP's bytes for ``members``, produced as they are read (never the whole archive)."""
    when = modified_at or datetime.now(UTC)

    def entries() -> Iterator[tuple[str, datetime, int, Any, Iterable[bytes]]]:
        for member in members:
            chunks: Iterable[bytes] = member.chunks()
            size = member.size
            if size < 0:  # known only now (the manifest, once every entry before it has streamed): small
                chunks = list(chunks)
                size = sum(len(c) for c in chunks)
            yield member.name, when, _MODE, ZIP_AUTO(size, level=6 if member.compressible else 0), chunks

    return stream_zip(entries(), chunk_size=ZIP_CHUNK_BYTES)


class S3MultipartWriter:
    """Writes a stream of bytes to one S3 object, part by part; counts and hashes what it wrote."""

    def __init__(self, s3_client: Any, *, bucket: str, key: str, kms_key_id: str,
                 part_bytes: int = PART_BYTES) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self.key = key
        self._kms_key_id = kms_key_id
        self._part_bytes = part_bytes
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id: str | None = None
        self.size = 0
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def write_package(self, members: Iterable[PackageMember], modified_at: datetime | None = None) -> None:
        """Zips ``members`` as they are read and uploads the archive."""
        self.write_all(zipped(members, modified_at=modified_at))

    def write_all(self, chunks: Iterable[bytes]) -> None:
        """Uploads ``chunks`` and completes the object; aborts the upload if anything fails meanwhile."""
        try:
            self._upload_id = self._call("create_multipart_upload", Bucket=self._bucket, Key=self.key,
                                         ContentType="application/zip", ServerSideEncryption="aws:kms",
                                         SSEKMSKeyId=self._kms_key_id)["UploadId"]
            for chunk in chunks:
                self._buffer += chunk
                self.size += len(chunk)
                self._digest.update(chunk)
                if len(self._buffer) >= self._part_bytes:
                    self._send_part()
            if self._buffer or not self._parts:
                self._send_part()
            self._call("complete_multipart_upload", Bucket=self._bucket, Key=self.key, UploadId=self._upload_id,
                       MultipartUpload={"Parts": self._parts})
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self._upload_id is None:
            return
        try:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id)
        except (ClientError, BotoCoreError):
            return  # the bucket's lifecycle rule aborts incomplete uploads after a day
        finally:
            self._upload_id = None

    def _send_part(self) -> None:
        number = len(self._parts) + 1
        body = bytes(self._buffer)
        self._buffer.clear()
        answer = self._call("upload_part", Bucket=self._bucket, Key=self.key, UploadId=self._upload_id,
                            PartNumber=number, Body=body)
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def _call(self, operation: str, **kwargs: Any) -> Any:
        with _package_step(f"could not write the package ({operation})"):
            return getattr(self._s3, operation)(**kwargs)
