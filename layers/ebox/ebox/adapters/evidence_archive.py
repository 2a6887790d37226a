"""Evidence records archived once in the Object Lock bucket (compliance mode: nobody, root included,
can delete or overwrite them before their retention ends), with their RFC 3161 time-stamp tokens."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.domain.errors import TransientError
from ebox.domain.evidence import SignedEvidence

ALREADY_THERE = ("PreconditionFailed",)
"""S3's answer to a conditional put whose key exists."""


def archive_key(record: SignedEvidence) -> str:
    return f"evidence/{record.message_id}/{record.sequence:04d}-{record.event.value}.jws"


class S3EvidenceArchive:
    def __init__(self, s3_client: Any, *, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def archive(self, record: SignedEvidence, timestamp_token: bytes | None) -> str:
        """Each object written once: a retry after a put whose answer was lost (or whose function died
        before the record was marked archived) finds it there and leaves it, rather than locking a
        second version of it for years."""
        key = archive_key(record)
        try:
            self._put_once(key, record.jws.encode("ascii"), "application/jose", {"event": record.event.value})
            if timestamp_token is not None:
                self._put_once(key + ".tsr", timestamp_token, "application/timestamp-reply", {})
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"could not archive evidence {record.evidence_id}: {error}") from error
        return key

    def _put_once(self, key: str, body: bytes, content_type: str, metadata: dict[str, str]) -> None:
        try:
            # Object Lock requires an integrity checksum on every upload.
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type,
                                Metadata=metadata, ChecksumAlgorithm="SHA256", IfNoneMatch="*")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ALREADY_THERE:
                raise
