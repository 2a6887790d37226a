"""The bulk imports' adapters and ports (part of the composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ebox.domain.publication import PublicationPorts
from ebox.wiring.message_services import AreaServices

if TYPE_CHECKING:
    from ebox.adapters.archive_content import ArchiveContentStore
    from ebox.adapters.batch_files import S3BatchFiles
    from ebox.adapters.batch_ledger import DynamoBatchLedger
    from ebox.adapters.batch_queue import SqsBatchQueue
    from ebox.adapters.buffered_events import BufferedMessageEvents
    from ebox.adapters.chunk_writes import DynamoChunkWrites
    from ebox.adapters.endorsed_signer import EndorsedKeySigner
    from ebox.adapters.presigned_urls import S3PresignedUrls
    from ebox.adapters.s3_ranges import S3ArchiveReader
    from ebox.domain.archived_documents import ChunkArchive
    from ebox.domain.ports import BufferedEvents
    from ebox.pipeline.bulk_batches import BatchRequestPorts
    from ebox.pipeline.bulk_import import BulkImportPorts

BULK_URL_SECONDS = 900  # pre-signed URLs of the import bucket (upload, per-line report)


class BulkServices(AreaServices):
    """The adapters of bulk imports (built only in the functions and routes that import batches)."""

    @cached_property
    def ledger(self) -> DynamoBatchLedger:
        from ebox.adapters.batch_ledger import DynamoBatchLedger

        return DynamoBatchLedger(self.client("dynamodb"), table=self.config.bulk_table)

    @cached_property
    def files(self) -> S3BatchFiles:
        from ebox.adapters.batch_files import S3BatchFiles

        config = self.config
        return S3BatchFiles(self.client("s3"), work_bucket=config.content_bucket,
                            report_bucket=config.import_bucket, kms_key_id=config.content_key_id)

    @cached_property
    def queue(self) -> SqsBatchQueue:
        from ebox.adapters.batch_queue import SqsBatchQueue

        return SqsBatchQueue(self.client("sqs"), queue_url=self.config.bulk_queue_url)

    @cached_property
    def archives(self) -> S3ArchiveReader:
        from ebox.adapters.s3_ranges import S3ArchiveReader

        return S3ArchiveReader(self.client("s3"))

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the import bucket: a batch's upload, its per-line report."""
        from ebox.adapters.presigned_urls import S3PresignedUrls

        return S3PresignedUrls(self.client("s3"), bucket=self.config.import_bucket,
                               expires_in=BULK_URL_SECONDS)

    @cached_property
    def signer(self) -> EndorsedKeySigner:
        """Evidence signed by this container's own key, endorsed by the KMS evidence key once a day."""
        return self.base.record_signer

    def content(self, archive: ChunkArchive) -> ArchiveContentStore:
        """A content store for one chunk: its documents named inside the run's kept archive."""
        from ebox.adapters.archive_content import ArchiveContentStore

        config = self.config
        return ArchiveContentStore(self.client("s3"), bucket=config.content_bucket,
                                   kms_key_id=config.content_key_id, archive=archive)

    @cached_property
    def chunk_writes(self) -> DynamoChunkWrites:
        from ebox.adapters.chunk_writes import DynamoChunkWrites

        return DynamoChunkWrites(self.base._tables, self.base.index)

    def events(self) -> BufferedMessageEvents:
        """Events for one chunk, put on the bus ten at a time; a failed put raises (TransientError), so that
        the chunk is delivered again and its refusals and completion are announced at least once."""
        from ebox.adapters.buffered_events import OutboxEvents

        return OutboxEvents(self.client("events"), bus_name=self.config.event_bus)

    def publication_ports(self, events: BufferedEvents, archive: ChunkArchive) -> PublicationPorts:
        """What publishing one chunk's lines needs: the archive's documents, the chunk's event buffer."""
        base = self.base
        return PublicationPorts(base.registry, self.content(archive), base.index, events, self.signer)

    def request_ports(self) -> BatchRequestPorts:
        from ebox.pipeline.bulk_batches import BatchRequestPorts

        return BatchRequestPorts(ledger=self.ledger, urls=self.urls)

    def import_ports(self) -> BulkImportPorts:
        from ebox.pipeline.bulk_import import BulkImportPorts

        return BulkImportPorts(ledger=self.ledger, files=self.files, queue=self.queue, archives=self.archives,
                               executions=self.base.workflow, chunk_events=self.events,
                               chunk_publication=self.publication_ports, chunk_writes=self.chunk_writes,
                               register=self.base.registry)
