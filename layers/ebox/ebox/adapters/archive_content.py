"""The content store of bulk publication: a document small enough to be answered inline stays inside the
run's kept archive and its attachment names its entry there (no call); a larger one (answered by a
pre-signed URL of its own key) is put from the archive's bytes at its final key (one S3 put), as is every
document of a chunk planned before archives were kept."""

from __future__ import annotations

from typing import Any

from ebox.adapters.aws_errors import call
from ebox.adapters.content_store import S3ContentStore
from ebox.domain.archived_documents import MAX_KEPT_IN_ARCHIVE, ChunkArchive, entry_reference
from ebox.domain.message import ReceivedDocument


class ArchiveContentStore(S3ContentStore):
    def __init__(self, s3_client: Any, *, bucket: str, kms_key_id: str, archive: ChunkArchive) -> None:
        super().__init__(s3_client, bucket=bucket, kms_key_id=kms_key_id)
        self._archive = archive

    def promote(self, message_id: str, attachment_id: str, document: ReceivedDocument) -> str:
        data, location = self._archive.documents[document.staged_key]
        if self._archive.kept_key is not None and document.size <= MAX_KEPT_IN_ARCHIVE:
            return entry_reference(self._archive.kept_key, location)
        key = f"messages/{message_id}/attachments/{attachment_id}"
        call(self._s3, "put_object", failure=f"could not store document {document.part_name}", Bucket=self._bucket,
             Key=key, Body=data, ContentType=document.media_type, Metadata={"sha256": document.sha256_b64url},
             **self._encryption())
        return key

    def discard_staged(self, documents: list[ReceivedDocument]) -> None:
        """Nothing was staged: the archive stays where the sender dropped it."""
