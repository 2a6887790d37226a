"""Bulk download over HTTP, for the reader of an e-Box (scope `…:messagesfull`: its own client or a person):

  POST /messageRegistry/v3/ebox/downloads               {"messageIds": [...]} or {"filter": {...}} → 202 the job
  GET  /messageRegistry/v3/ebox/downloads/{downloadId}  progress; once READY a pre-signed URL of the package

A job belongs to whoever asked for it: another enterprise, or another person of the same one, gets 404."""

from __future__ import annotations

from chalice import Chalice, Response

from ebox.api.readers import ebox_reader
from ebox.api.requests import CurrentRequest
from ebox.api.routing import guarded_routes, json_response
from ebox.domain import access
from ebox.domain.downloads import parse_download_request, status_view
from ebox.pipeline.download_requests import download_status, request_download
from ebox.wiring import services

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"


def register(app: Chalice) -> None:
    """Adds the routes to ``app`` (not a Blueprint: one cannot serve two apps in one process)."""
    route = guarded_routes(app)
    request = CurrentRequest(app)

    @route(DOWNLOADS, methods=["POST"], content_types=["application/json"])
    def post_download() -> Response:
        svc = services()
        reader = ebox_reader(request.headers(), svc, access.MESSAGES_FULL)
        wanted = parse_download_request(request.json())
        job = request_download(reader, svc.consultation(reader), wanted, svc.downloads.request_ports())
        return json_response(status_view(job), status=202, headers={"Location": f"{DOWNLOADS}/{job.download_id}"})

    @route(DOWNLOADS + "/{downloadId}", methods=["GET"])
    def get_download(downloadId: str) -> Response:  # noqa: N803 - the path's parameter name
        svc = services()
        reader = ebox_reader(request.headers(), svc, access.MESSAGES_FULL)
        return json_response(download_status(reader, downloadId, svc.downloads.request_ports()))
