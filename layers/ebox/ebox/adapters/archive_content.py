"""The content store of bulk publication: documents go from the archive's bytes straight to their
message (one S3 put each), without the staging copy the API needs for streamed uploads."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.content_store import S3ContentStore
from ebox.domain.errors import TransientError
from ebox.domain.message import ReceivedDocument


class ArchiveContentStore(S3ContentStore):
    """`documents` maps a ReceivedDocument's `staged_key` (its name in the archive) to its bytes."""

    documents: dict[str, bytes] = {}  # noqa: RUF012 - replaced per line, never mutated

    def promote(self, message_id: str, attachment_id: str, document: ReceivedDocument) -> str:
        key = f"messages/{message_id}/attachments/{attachment_id}"
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=self.documents[document.staged_key],
                                ContentType=document.media_type, Metadata={"sha256": document.sha256_b64url},
                                **self._encryption())
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"could not store document {document.part_name}: {error}") from error
        return key

    def discard_staged(self, documents: list[ReceivedDocument]) -> None:
        """Nothing was staged: the archive stays where the sender dropped it."""
