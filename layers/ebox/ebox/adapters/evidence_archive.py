"""Evidence records archived once in the Object Lock bucket (compliance mode: nobody, root included,
can delete or overwrite them before their retention ends), with their RFC 3161 time-stamp tokens."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.domain.errors import TransientError
from ebox.domain.evidence import SignedEvidence


def archive_key(record: SignedEvidence) -> str:
    return f"evidence/{record.message_id}/{record.sequence:04d}-{record.event.value}.jws"


class S3EvidenceArchive:
    def __init__(self, s3_client: Any, *, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def archive(self, record: SignedEvidence, timestamp_token: bytes | None) -> str:
        key = archive_key(record)
        try:
            # Object Lock requires an integrity checksum on every upload.
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=record.jws.encode("ascii"),
                                ContentType="application/jose", Metadata={"event": record.event.value},
                                ChecksumAlgorithm="SHA256")
            if timestamp_token is not None:
                self._s3.put_object(Bucket=self._bucket, Key=key + ".tsr", Body=timestamp_token,
                                    ContentType="application/timestamp-reply", ChecksumAlgorithm="SHA256")
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"could not archive evidence {record.evidence_id}: {error}") from error
        return key
