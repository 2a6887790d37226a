"""Documents and message metadata in S3, encrypted with the content KMS key (SSE-KMS).

Layout of the content bucket:
  messages/<messageId>/attachments/<attId>   documents of a message, put there once when they match the
                                             announcement (deleted again if the publication is refused)
  messages/<messageId>/message.json          the message record, of messages published before decision 0010
                                             (the DynamoDB item is the record)
  archives/<org>/<batchId>/<run>.zip         a bulk import's archive, kept once per run: the documents of its
                                             lines are entries of it (ebox.domain.archived_documents)
  uploads/<org>/<uploadId>                   large documents uploaded by senders through a pre-signed PUT:
                                             their final key (tagged pending until a message uses them)
  staging/<uploadId>/<n>                     no longer written (1-day lifecycle)
"""

from __future__ import annotations

from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import call, classified
from ebox.domain.archived_documents import ArchivedEntry, archived_entry, open_entry
from ebox.domain.errors import ContentIntegrityError, InvalidInput
from ebox.domain.message import ReceivedDocument, StoredAttachment
from ebox.domain.uploads import UPLOAD_PREFIX

MULTIPART_THRESHOLD = 8 * 1024 * 1024


class S3ContentStore:
    def __init__(self, s3_client: Any, *, bucket: str, kms_key_id: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._kms_key_id = kms_key_id

    def _encryption(self) -> dict[str, str]:
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self._kms_key_id}

    def stage(self, key: str, stream: IO[bytes], *, media_type: str, size: int) -> None:
        """Puts a received document at its key: its final one, once it matches the announcement (decision 0010)."""
        with classified("could not store a received document"):
            if size > MULTIPART_THRESHOLD:
                self._s3.upload_fileobj(
                    stream, self._bucket, key, ExtraArgs={"ContentType": media_type, **self._encryption()}
                )
            else:
                self._s3.put_object(
                    Bucket=self._bucket, Key=key, Body=stream, ContentType=media_type, **self._encryption()
                )

    def promote(self, message_id: str, attachment_id: str, document: ReceivedDocument) -> str:
        if document.staged_key.startswith(UPLOAD_PREFIX):  # already at its final key: kept, not copied
            self._keep_upload(document)
            return document.staged_key
        # A document stored anywhere else is copied to the message. The API's documents are put at their
        # final key (store_content does not call this for them) and bulk's come from ArchiveContentStore.
        key = f"messages/{message_id}/attachments/{attachment_id}"
        with classified(f"could not store document {document.part_name}"):
            self._s3.copy_object(
                Bucket=self._bucket,
                Key=key,
                CopySource={"Bucket": self._bucket, "Key": document.staged_key},
                ContentType=document.media_type,
                MetadataDirective="REPLACE",
                Metadata={"sha256": document.sha256_b64url},
                **self._encryption(),
            )
        return key

    def _keep_upload(self, document: ReceivedDocument) -> None:
        call(self._s3, "put_object_tagging", failure=f"could not keep uploaded document {document.part_name}",
             Bucket=self._bucket, Key=document.staged_key,
             Tagging={"TagSet": [{"Key": "ebox-upload", "Value": "published"}]})

    def open_document(self, attachment: StoredAttachment) -> bytes:
        entry = archived_entry(attachment.content_key)
        if entry is not None:
            return read_archived(self._s3, self._bucket, entry, attachment)
        with classified(f"could not read document {attachment.attachment_id}"):
            response = self._s3.get_object(Bucket=self._bucket, Key=attachment.content_key)
            return bytes(response["Body"].read())

    def discard_staged(self, documents: list[ReceivedDocument]) -> None:
        """Staged file parts go at once; uploads stay for the sender to retry (they expire by themselves)."""
        self._delete([d.staged_key for d in documents if not d.staged_key.startswith(UPLOAD_PREFIX)])

    def _delete(self, keys: list[str]) -> None:
        if not keys:
            return
        try:
            self._s3.delete_objects(
                Bucket=self._bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
            )
        except (ClientError, BotoCoreError):
            # Left for the staging lifecycle rule: nothing refers to these objects.
            return


def read_archived(s3: Any, bucket: str, entry: ArchivedEntry, attachment: StoredAttachment) -> bytes:
    """A document kept inside its batch's archive: one ranged GET, inflated, its SHA-256 checked."""
    where = entry.location
    with classified(f"could not read document {attachment.attachment_id}"):
        response = s3.get_object(Bucket=bucket, Key=entry.archive_key, Range=f"bytes={where.start}-{where.end - 1}")
        data = bytes(response["Body"].read())
    try:
        return open_entry(entry, data, where.start, attachment.sha256_b64url)
    except InvalidInput as damaged:  # not the reader's mistake, nor one a retry cures: the stored archive is damaged
        raise ContentIntegrityError(f"document {attachment.attachment_id}: {damaged.message}") from None
