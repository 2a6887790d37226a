"""The bulk imports' adapters and ports (part of the composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ebox.domain.publication import PublicationPorts
from ebox.wiring.message_services import MessageServices

if TYPE_CHECKING:
    from ebox.adapters.archive_content import ArchiveContentStore
    from ebox.adapters.batch_files import S3BatchFiles
    from ebox.adapters.batch_ledger import DynamoBatchLedger
    from ebox.adapters.batch_queue import SqsBatchQueue
    from ebox.adapters.buffered_events import BufferedMessageEvents
    from ebox.adapters.endorsed_signer import EndorsedKeySigner
    from ebox.adapters.presigned_urls import S3PresignedUrls
    from ebox.adapters.s3_ranges import S3ArchiveReader
    from ebox.domain.ports import BufferedEvents
    from ebox.pipeline.bulk_batches import BatchRequestPorts
    from ebox.pipeline.bulk_import import BulkImportPorts

BULK_URL_SECONDS = 900  # pre-signed URLs of the import bucket (upload, per-line report)


@dataclass
class BulkServices:
    """The adapters of bulk imports (built only in the functions and routes that import batches)."""

    base: MessageServices

    @cached_property
    def ledger(self) -> DynamoBatchLedger:
        from ebox.adapters.batch_ledger import DynamoBatchLedger

        return DynamoBatchLedger(self.base.client("dynamodb"), table=self.base.config.bulk_table)

    @cached_property
    def files(self) -> S3BatchFiles:
        from ebox.adapters.batch_files import S3BatchFiles

        config = self.base.config
        return S3BatchFiles(self.base.client("s3"), work_bucket=config.content_bucket,
                            report_bucket=config.import_bucket, kms_key_id=config.content_key_id)

    @cached_property
    def queue(self) -> SqsBatchQueue:
        from ebox.adapters.batch_queue import SqsBatchQueue

        return SqsBatchQueue(self.base.client("sqs"), queue_url=self.base.config.bulk_queue_url)

    @cached_property
    def archives(self) -> S3ArchiveReader:
        from ebox.adapters.s3_ranges import S3ArchiveReader

        return S3ArchiveReader(self.base.client("s3"))

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the import bucket: a batch's upload, its per-line report."""
        from ebox.adapters.presigned_urls import S3PresignedUrls

        return S3PresignedUrls(self.base.client("s3"), bucket=self.base.config.import_bucket,
                               expires_in=BULK_URL_SECONDS)

    @cached_property
    def signer(self) -> EndorsedKeySigner:
        """Evidence signed by this container's own key, endorsed by the KMS evidence key once a day."""
        return self.base.record_signer

    def content(self) -> ArchiveContentStore:
        """A content store for one chunk: documents written from the archive's bytes."""
        from ebox.adapters.archive_content import ArchiveContentStore

        config = self.base.config
        return ArchiveContentStore(self.base.client("s3"), bucket=config.content_bucket,
                                   kms_key_id=config.content_key_id)

    def events(self) -> BufferedMessageEvents:
        """Message events for one chunk, put on the bus ten at a time."""
        return self.base.new_buffered_events()

    def publication_ports(self, events: BufferedEvents) -> PublicationPorts:
        """What publishing one chunk's lines needs: the archive's documents, the chunk's event buffer."""
        base = self.base
        return PublicationPorts(base.registry, self.content(), base.index, events, self.signer)

    def request_ports(self) -> BatchRequestPorts:
        from ebox.pipeline.bulk_batches import BatchRequestPorts

        return BatchRequestPorts(ledger=self.ledger, urls=self.urls)

    def import_ports(self) -> BulkImportPorts:
        from ebox.pipeline.bulk_import import BulkImportPorts

        return BulkImportPorts(ledger=self.ledger, files=self.files, queue=self.queue, archives=self.archives,
                               executions=self.base.workflow, chunk_events=self.events,
                               chunk_publication=self.publication_ports)
