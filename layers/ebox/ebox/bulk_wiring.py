"""The adapters of bulk imports, built lazily from the process-wide services (see ebox.wiring)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ebox.wiring import Services, services


@dataclass
class BulkServices:
    base: Services

    @cached_property
    def ledger(self) -> Any:
        from ebox.adapters.batch_ledger import DynamoBatchLedger

        return DynamoBatchLedger(self.base.client("dynamodb"), table=self.base.config.bulk_table)

    @cached_property
    def files(self) -> Any:
        from ebox.adapters.batch_files import S3BatchFiles

        config = self.base.config
        return S3BatchFiles(self.base.client("s3"), work_bucket=config.content_bucket,
                            report_bucket=config.import_bucket, kms_key_id=config.content_key_id)

    @cached_property
    def queue(self) -> Any:
        from ebox.adapters.batch_queue import SqsBatchQueue

        return SqsBatchQueue(self.base.client("sqs"), queue_url=self.base.config.bulk_queue_url)

    @cached_property
    def signer(self) -> Any:
        """Evidence signed by this container's own key, endorsed by the KMS evidence key once a day."""
        return self.base.record_signer

    def content(self) -> Any:
        """A content store for one chunk: documents written from the archive's bytes."""
        from ebox.adapters.archive_content import ArchiveContentStore

        config = self.base.config
        return ArchiveContentStore(self.base.client("s3"), bucket=config.content_bucket,
                                   kms_key_id=config.content_key_id)

    def events(self) -> Any:
        """Message events for one chunk, put on the bus ten at a time."""
        from ebox.adapters.buffered_events import BufferedMessageEvents

        return BufferedMessageEvents(self.base.client("events"), bus_name=self.base.config.event_bus)


def bulk_services() -> BulkServices:
    """Built once per process-wide Services (so that ebox.wiring.reset_services forgets them too)."""
    base = services()
    bulk = base.__dict__.get("_bulk_services")
    if bulk is None:
        bulk = base.__dict__["_bulk_services"] = BulkServices(base)
    return bulk  # type: ignore[no-any-return]
