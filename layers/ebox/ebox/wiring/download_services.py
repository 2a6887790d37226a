"""The bulk downloads' adapters and ports (part of the composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

import secrets
from functools import cached_property
from typing import TYPE_CHECKING

from ebox.wiring.message_services import AreaServices

if TYPE_CHECKING:
    from ebox.adapters.download_jobs import DynamoDownloadJobs, SqsDownloadQueue
    from ebox.adapters.package_store import S3DocumentReader, S3MultipartWriter
    from ebox.adapters.presigned_urls import S3PresignedUrls
    from ebox.domain.downloads import DownloadJob
    from ebox.pipeline.download_build import DownloadBuildPorts
    from ebox.pipeline.download_requests import DownloadRequestPorts


class DownloadServices(AreaServices):
    """The adapters of bulk downloads."""

    @cached_property
    def jobs(self) -> DynamoDownloadJobs:
        from ebox.adapters.download_jobs import DynamoDownloadJobs

        return DynamoDownloadJobs(self.client("dynamodb"), table=self.config.downloads_table)

    @cached_property
    def queue(self) -> SqsDownloadQueue:
        from ebox.adapters.download_jobs import SqsDownloadQueue

        return SqsDownloadQueue(self.client("sqs"), queue_url=self.config.downloads_queue_url)

    @cached_property
    def documents(self) -> S3DocumentReader:
        from ebox.adapters.package_store import S3DocumentReader

        return S3DocumentReader(self.client("s3"), bucket=self.config.content_bucket)

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the packages."""
        from ebox.adapters.presigned_urls import S3PresignedUrls
        from ebox.domain.downloads import URL_SECONDS

        return S3PresignedUrls(self.client("s3"), bucket=self.config.downloads_bucket,
                               expires_in=URL_SECONDS)

    def new_package(self, job: DownloadJob) -> S3MultipartWriter:
        """A new build of the job's package: its own object, so that two deliveries never mix parts."""
        from ebox.adapters.package_store import S3MultipartWriter, package_key

        config = self.config
        key = package_key(job.enterprise_number, job.download_id, secrets.token_hex(4))
        return S3MultipartWriter(self.client("s3"), bucket=config.downloads_bucket, key=key,
                                 kms_key_id=config.content_key_id)

    def request_ports(self) -> DownloadRequestPorts:
        from ebox.pipeline.download_requests import DownloadRequestPorts

        return DownloadRequestPorts(jobs=self.jobs, queue=self.queue, urls=self.urls)

    def build_ports(self) -> DownloadBuildPorts:
        from ebox.pipeline.download_build import DownloadBuildPorts

        return DownloadBuildPorts(jobs=self.jobs, documents=self.documents, evidence=self.base.index,
                                  new_package=self.new_package, consultation=self.base.consultation)
