"""Bulk downloads in the fake e-Box API: a job that is RUNNING at the first poll and READY at the next,
whose package (built from the fake's messages, with a manifest) is served at a pre-signed-looking URL."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"
PACKAGES = "/fake-s3/packages/"


@dataclass
class FakeDownloads:
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    packages: dict[str, bytes] = field(default_factory=dict)
    fail_with: str | None = None  # the job ends FAILED with this code
    tamper: bool = False  # one entry's bytes differ from the manifest's digest
    polls: int = 0


def build_package(messages: dict[str, Any], ids: list[str], *, tamper: bool) -> bytes:
    buffer, entries = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w") as archive:
        for message_id in ids:
            stored = messages[message_id]
            files = {f"{message_id}/message.json": json.dumps(stored.view).encode()}
            for attachment_id, data in stored.contents.items():
                files[f"{message_id}/documents/{attachment_id}-doc.pdf"] = data
            for path, data in files.items():
                entries.append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
                archive.writestr(path, data + (b"!" if tamper else b""))
        manifest = {"messages": [{"messageId": i, "documents": len(messages[i].contents), "evidences": 0}
                                 for i in ids], "entries": entries}
        archive.writestr("manifest.json", json.dumps(manifest))
    return buffer.getvalue()


def serve(handler: Any, method: str, path: str, body: bytes) -> bool:
    """Answers the download routes (True), or leaves the request to the rest of the fake (False)."""
    api, state = handler.api, handler.api.downloads
    if path.startswith(PACKAGES) and method == "GET":  # the "pre-signed URL": no token
        data = state.packages[path.removeprefix(PACKAGES)]
        handler.send_response(200)
        handler.send_header("Content-Type", "application/zip")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return True
    if not path.startswith(DOWNLOADS):
        return False
    if path == DOWNLOADS and method == "POST":
        request = json.loads(body)
        ids = request.get("messageIds") or sorted(api.messages)
        unknown = [i for i in ids if i not in api.messages]
        if unknown:
            handler._json(404, {"code": "NOT_FOUND", "message": f"message {unknown[0]} is not in this e-Box"})
            return True
        download_id = f"dl-{len(state.jobs) + 1}"
        total = sum(len(d) for i in ids for d in api.messages[i].contents.values())
        state.jobs[download_id] = {"downloadId": download_id, "status": "QUEUED", "totalMessages": len(ids),
                                   "messagesDone": 0, "totalBytes": total, "bytesDone": 0, "ids": ids}
        handler._json(202, {k: v for k, v in state.jobs[download_id].items() if k != "ids"})
        return True
    job = state.jobs.get(path.removeprefix(DOWNLOADS + "/"))
    if job is None or method != "GET":
        handler._json(404, {"code": "NOT_FOUND", "message": "no such download"})
        return True
    state.polls += 1
    if job["status"] == "QUEUED":
        job.update(status="RUNNING", messagesDone=1)
    elif state.fail_with:
        job.update(status="FAILED", code=state.fail_with, message="a stored document failed its digest check")
    else:
        data = build_package(api.messages, job["ids"], tamper=state.tamper)
        state.packages[f"{job['downloadId']}.zip"] = data
        job.update(status="READY", messagesDone=job["totalMessages"], bytesDone=job["totalBytes"],
                   packageSize=len(data), packageSha256=hashlib.sha256(data).hexdigest(),
                   downloadUrl=f"{api.base_url}{PACKAGES}{job['downloadId']}.zip?X-Amz-Signature=fake",
                   expiresIn=3600)
    handler._json(200, {k: v for k, v in job.items() if k != "ids"})
    return True
