"""The adapters of bulk downloads, built lazily from the process-wide services (see ebox.wiring)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ebox.domain.access import EboxReader
from ebox.domain.consultation import Consultation
from ebox.domain.downloads import URL_SECONDS
from ebox.wiring import Services, services


@dataclass
class DownloadServices:
    base: Services

    @cached_property
    def jobs(self) -> Any:
        from ebox.adapters.download_jobs import DynamoDownloadJobs

        return DynamoDownloadJobs(self.base.client("dynamodb"), table=self.base.config.downloads_table)

    @cached_property
    def queue(self) -> Any:
        from ebox.adapters.download_jobs import SqsDownloadQueue

        return SqsDownloadQueue(self.base.client("sqs"), queue_url=self.base.config.downloads_queue_url)

    @cached_property
    def documents(self) -> Any:
        from ebox.adapters.package_store import S3DocumentReader

        return S3DocumentReader(self.base.client("s3"), bucket=self.base.config.content_bucket)

    def writer(self, key: str) -> Any:
        from ebox.adapters.package_store import S3MultipartWriter

        config = self.base.config
        return S3MultipartWriter(self.base.client("s3"), bucket=config.downloads_bucket, key=key,
                                 kms_key_id=config.content_key_id)

    def presign(self, key: str) -> str:
        return str(self.base.client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": self.base.config.downloads_bucket, "Key": key}, ExpiresIn=URL_SECONDS))

    def consultation(self, reader: EboxReader) -> Consultation:
        base = self.base
        return Consultation.for_reader(reader, index=base.index, content=base.content, events=base.events,
                                       signer=base.record_signer)


def download_services() -> DownloadServices:
    """Built once per process-wide Services (so that ebox.wiring.reset_services forgets them too)."""
    base = services()
    found = base.__dict__.get("_download_services")
    if found is None:
        found = base.__dict__["_download_services"] = DownloadServices(base)
    return found  # type: ignore[no-any-return]
