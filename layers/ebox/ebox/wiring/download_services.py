"""The bulk downloads' adapters and ports (part of the composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ebox.wiring.message_services import MessageServices

if TYPE_CHECKING:
    from ebox.adapters.download_jobs import DynamoDownloadJobs, SqsDownloadQueue
    from ebox.adapters.package_store import S3DocumentReader, S3MultipartWriter
    from ebox.adapters.presigned_urls import S3PresignedUrls
    from ebox.domain.downloads import DownloadJob
    from ebox.pipeline.download_build import DownloadBuildPorts
    from ebox.pipeline.download_requests import DownloadRequestPorts


@dataclass
class DownloadServices:
    """The adapters of bulk downloads."""

    base: MessageServices

    @cached_property
    def jobs(self) -> DynamoDownloadJobs:
        from ebox.adapters.download_jobs import DynamoDownloadJobs

        return DynamoDownloadJobs(self.base.client("dynamodb"), table=self.base.config.downloads_table)

    @cached_property
    def queue(self) -> SqsDownloadQueue:
        from ebox.adapters.download_jobs import SqsDownloadQueue

        return SqsDownloadQueue(self.base.client("sqs"), queue_url=self.base.config.downloads_queue_url)

    @cached_property
    def documents(self) -> S3DocumentReader:
        from ebox.adapters.package_store import S3DocumentReader

        return S3DocumentReader(self.base.client("s3"), bucket=self.base.config.content_bucket)

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the packages."""
        from ebox.adapters.presigned_urls import S3PresignedUrls
        from ebox.domain.downloads import URL_SECONDS

        return S3PresignedUrls(self.base.client("s3"), bucket=self.base.config.downloads_bucket,
                               expires_in=URL_SECONDS)

    def new_package(self, job: DownloadJob) -> S3MultipartWriter:
        """A new build of the job's package: its own object, so that two deliveries never mix parts."""
        from ebox.adapters.package_store import S3MultipartWriter, package_key

        config = self.base.config
        key = package_key(job.enterprise_number, job.download_id, secrets.token_hex(4))
        return S3MultipartWriter(self.base.client("s3"), bucket=config.downloads_bucket, key=key,
                                 kms_key_id=config.content_key_id)

    def request_ports(self) -> DownloadRequestPorts:
        from ebox.pipeline.download_requests import DownloadRequestPorts

        return DownloadRequestPorts(jobs=self.jobs, queue=self.queue, urls=self.urls)

    def build_ports(self) -> DownloadBuildPorts:
        from ebox.pipeline.download_build import DownloadBuildPorts

        return DownloadBuildPorts(jobs=self.jobs, documents=self.documents, evidence=self.base.index,
                                  new_package=self.new_package, consultation=self.base.consultation)
