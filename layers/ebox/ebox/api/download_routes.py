"""Bulk download over HTTP, for the reader of an e-Box (scope `…:messagesfull`: its own client or a person):

  POST /messageRegistry/v3/ebox/downloads               {"messageIds": [...]} or {"filter": {...}} → 202 the job
  GET  /messageRegistry/v3/ebox/downloads/{downloadId}  progress; once READY a pre-signed URL of the package

A job belongs to whoever asked for it: another enterprise, or another person of the same one, gets 404."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api.readers import ebox_reader
from ebox.api.requests import json_body, request_body, request_headers
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.downloads import (
    DownloadJob,
    owned_job,
    parse_download_request,
    requester_of,
    select_messages,
    status_view,
)
from ebox.domain.errors import NotFound, TransientError
from ebox.domain.ids import new_message_id
from ebox.wiring import services

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"


def register(app: Chalice) -> None:
    """Adds the routes to ``app`` (not a Blueprint: one cannot serve two apps in one process)."""
    route = guarded_routes(app)

    def _headers() -> dict[str, str]:
        return request_headers(app.current_request)

    def _body() -> bytes:
        return request_body(app.current_request)

    @route(DOWNLOADS, methods=["POST"], content_types=["application/json"])
    def request_download() -> Response:
        downloads = services().downloads
        reader = ebox_reader(_headers(), services(), access.MESSAGES_FULL)
        wanted = parse_download_request(json_body(_body()))
        messages = select_messages(downloads.consultation(reader), wanted)
        job = DownloadJob(
            download_id=new_message_id(), enterprise_number=reader.enterprise_number, requester=requester_of(reader),
            partitions=reader.partitions, message_ids=[m.message_id for m in messages],
            created_at=_now(), total_bytes=sum(m.total_size for m in messages if not m.content_withheld))
        downloads.jobs.create(job)
        try:
            downloads.queue.enqueue(job)
        except TransientError as error:
            downloads.jobs.fail(job, code=error.code, message="the job could not be queued", now=_now())
            raise
        return json_response(status_view(job), status=202,
                             headers={"Location": f"{DOWNLOADS}/{job.download_id}"})

    @route(DOWNLOADS + "/{downloadId}", methods=["GET"])
    def download_status(downloadId: str) -> Response:  # noqa: N803 - the path's parameter name
        downloads = services().downloads
        reader = ebox_reader(_headers(), services(), access.MESSAGES_FULL)
        if not 0 < len(downloadId) <= 100:
            raise NotFound(f"no download {downloadId[:100]} was asked for by you")
        job = owned_job(downloads.jobs.get(reader.enterprise_number, downloadId), reader, downloadId)
        return json_response(status_view(job, downloads.presign))


def _now() -> str:
    from datetime import UTC, datetime

    from ebox.domain.validity import format_timestamp

    return format_timestamp(datetime.now(UTC))
