"""Evidence objects in the Object Lock bucket (compliance mode: nobody, root included, can delete or overwrite
them before their retention ends): one object per stream batch of records and its RFC 3161 time-stamp token
(ebox.domain.evidence_batches); the objects of one record each, archived before batches, are read as they are."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import raise_classified
from ebox.domain.errors import TransientError

ALREADY_THERE = ("PreconditionFailed",)
"""S3's answer to a conditional put whose key exists."""
NOT_THERE = ("NoSuchKey", "404", "NotFound")


class S3EvidenceArchive:
    def __init__(self, s3_client: Any, *, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def put_batch(self, key: str, body: bytes) -> bytes | None:
        """Each object written once: a retry after a put whose answer was lost (or whose function died before
        it finished) finds the object there and gets it back, rather than locking a second version for years."""
        if self._put_once(key, body, "text/plain; charset=us-ascii"):
            return None
        existing = self.read(key)
        if existing is None:
            raise TransientError(f"evidence batch {key} was there a moment ago and cannot be read")
        return existing

    def put_token(self, key: str, token: bytes) -> None:
        self._put_once(f"{key}.tsr", token, "application/timestamp-reply")

    def has_token(self, key: str) -> bool:
        return self.exists(f"{key}.tsr")

    def read(self, key: str) -> bytes | None:
        try:
            return bytes(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_THERE:
                return None
            raise_classified(error, f"could not read evidence object {key}")
        except BotoCoreError as error:
            raise_classified(error, f"could not read evidence object {key}")

    def exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_THERE:
                return False
            raise_classified(error, f"could not look for evidence object {key}")
        except BotoCoreError as error:
            raise_classified(error, f"could not look for evidence object {key}")
        return True

    def _put_once(self, key: str, body: bytes, content_type: str) -> bool:
        """True when written, False when the key was there already."""
        try:
            # Object Lock requires an integrity checksum on every upload.
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type,
                                ChecksumAlgorithm="SHA256", IfNoneMatch="*")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ALREADY_THERE:
                return False
            raise_classified(error, f"could not archive evidence {key}")
        except BotoCoreError as error:
            raise_classified(error, f"could not archive evidence {key}")
        return True
