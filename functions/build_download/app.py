"""Bulk download: builds one job's ZIP package, from the downloads queue (SQS, one job per message).

A job that fails for a transient reason is reported in `batchItemFailures` and comes back (it starts
over); the last attempt marks it FAILED instead, so that the requester is told."""

import logging
from typing import Any

from ebox import observability
from ebox.domain.errors import TransientError
from ebox.pipeline.download_build import DownloadBuildPorts, build_download
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.build_download")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: DownloadBuildPorts | None = None) -> dict[str, Any]:
    ports = deps or services().downloads.build_ports()
    failures = []
    for record in event["Records"]:
        attempt = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            with observability.about(correlation_id=observability.download_id(record["body"])):
                logger.info(build_download(record["body"], ports, attempt=attempt))
        except TransientError as error:
            logger.warning("download job %s will be retried: %s", record["messageId"], error.message)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
