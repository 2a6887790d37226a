"""A bulk-download package is streamed: several hundred MB of documents go from a fake S3 (generated on
the fly) into a fake multipart upload (written to disk), and the build's peak Python memory stays a small
fraction of the package. The package is then opened and checked against its manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError
from ebox.adapters.package_store import PART_BYTES, S3DocumentReader, S3MultipartWriter
from ebox.domain.consultation import Consultation
from ebox.domain.documents import b64url_of_digest
from ebox.domain.download_package import safe_file_name
from ebox.domain.downloads import FAILED, READY, RUNNING, DownloadJob
from ebox.domain.errors import TransientError
from ebox.domain.message import StoredAttachment
from ebox.pipeline.download_build import DownloadBuildPorts, build_download

from tests.fakes import RECIPIENT, FakeIndex, LocalSigner, RecordingEvents, b64url_sha256, message_in

MIB = 1024 * 1024
BLOCK = os.urandom(MIB)  # incompressible, like the PDFs and scans an e-Box holds
DOCUMENT_MIB = 48
DOCUMENTS = 6  # 288 MiB in all


def generated(key: str) -> Iterator[bytes]:
    """A document's bytes, made on the fly: a header naming it, then DOCUMENT_MIB blocks."""
    yield f"%PDF-1.7 {key}\n".encode()
    for _ in range(DOCUMENT_MIB):
        yield BLOCK


class GeneratedBody:
    def __init__(self, key: str) -> None:
        self._key = key

    def iter_chunks(self, chunk_size: int) -> Iterator[bytes]:
        for piece in generated(self._key):
            for start in range(0, len(piece), chunk_size):
                yield piece[start:start + chunk_size]


@dataclass
class FakeS3:
    """get_object serves generated documents; the multipart upload goes to a file on disk."""

    path: str
    part_sizes: list[int] = field(default_factory=list)
    completed: bool = False
    aborted: bool = False

    def get_object(self, Bucket: str, Key: str) -> dict[str, object]:  # noqa: N803 - boto3's names
        return {"Body": GeneratedBody(Key)}

    def create_multipart_upload(self, **kwargs: object) -> dict[str, str]:
        open(self.path, "wb").close()
        return {"UploadId": "upload-1"}

    def upload_part(self, Body: bytes, PartNumber: int, **kwargs: object) -> dict[str, str]:  # noqa: N803
        with open(self.path, "ab") as out:
            out.write(Body)
        self.part_sizes.append(len(Body))
        return {"ETag": f'"{PartNumber}"'}

    def complete_multipart_upload(self, **kwargs: object) -> dict[str, str]:
        self.completed = True
        return {}

    def abort_multipart_upload(self, **kwargs: object) -> dict[str, str]:
        self.aborted = True
        return {}


@dataclass
class FakeJobs:
    job: DownloadJob
    progress_seen: list[int] = field(default_factory=list)

    def get(self, enterprise_number: str, download_id: str) -> DownloadJob | None:
        return replace(self.job) if (enterprise_number, download_id) == (RECIPIENT, self.job.download_id) else None

    def start(self, job: DownloadJob, now: str) -> bool:
        if self.job.status in (READY, FAILED):
            return False
        self.job.status = RUNNING
        return True

    def progress(self, job: DownloadJob, messages_done: int, bytes_done: int) -> None:
        self.progress_seen.append(messages_done)

    def finish(self, job: DownloadJob, *, key: str, size: int, sha256: str, now: str) -> bool:
        self.job = replace(self.job, status=READY, package_key=key, package_size=size, package_sha256=sha256)
        return True

    def fail(self, job: DownloadJob, *, code: str, message: str, now: str) -> bool:
        self.job = replace(self.job, status=FAILED, code=code, message=message)
        return True


def attachment(message_id: str, number: int, file_name: str = "scan.pdf") -> StoredAttachment:
    key = f"messages/{message_id}/attachments/a{number}"
    digest = hashlib.sha256()
    for piece in generated(key):
        digest.update(piece)
    size = DOCUMENT_MIB * MIB + len(f"%PDF-1.7 {key}\n")
    return StoredAttachment(f"a{number}", file_name, "application/pdf", size, number == 0, False, None,
                            b64url_of_digest(digest.digest()), key)


@pytest.fixture
def world(tmp_path):
    index = FakeIndex()
    ids = ["0190a000-0000-7000-8000-00000000000" + str(n) for n in range(4)]
    for number, message_id in enumerate(ids[:3]):
        documents = [attachment(message_id, n, "../../etc/passwd" if n else "scan.pdf")
                     for n in range(DOCUMENTS // 3 if number < 2 else DOCUMENTS - 2 * (DOCUMENTS // 3))]
        index.messages[(RECIPIENT, message_id)] = message_in(message_id, "GENERAL", attachments=documents)
        index.evidence_records[message_id] = []
    withheld = message_in(ids[3], "GENERAL", registered_mail_type="qualified", delivery_state="awaiting_acceptance",
                          attachments=[attachment(ids[3], 0)])
    index.messages[(RECIPIENT, ids[3])] = withheld
    job = DownloadJob("dl-1", RECIPIENT, "ENTERPRISE", None, ids, "2026-11-29T12:00:00Z")
    s3 = FakeS3(str(tmp_path / "package.zip"))
    jobs = FakeJobs(job)
    downloads = DownloadBuildPorts(
        jobs=jobs, evidence=index, documents=S3DocumentReader(s3, bucket="content"),
        new_package=lambda job: S3MultipartWriter(s3, bucket="downloads", key=f"{job.download_id}/1.zip",
                                                  kms_key_id="k"),
        consultation=lambda reader: Consultation.for_reader(reader, index=index, content=None,  # type: ignore
                                                            events=RecordingEvents(), signer=LocalSigner()))
    return SimpleNamespace(index=index, ids=ids, s3=s3, jobs=jobs, downloads=downloads)


def _body(world) -> str:
    return json.dumps({"enterpriseNumber": RECIPIENT, "downloadId": "dl-1"})


def test_a_package_far_larger_than_the_buffers_is_built_in_bounded_memory(world):
    tracemalloc.start()
    try:
        outcome = build_download(_body(world), world.downloads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    job = world.jobs.job
    assert job.status == READY, (outcome, job)
    assert job.package_size == os.path.getsize(world.s3.path) > DOCUMENTS * DOCUMENT_MIB * MIB
    print(f"package {job.package_size / MIB:.0f} MiB, peak Python memory {peak / MIB:.1f} MiB")
    assert peak < 3 * PART_BYTES < job.package_size / 10, f"peak {peak / MIB:.1f} MiB"
    assert all(size >= 5 * MIB for size in world.s3.part_sizes[:-1]) and world.s3.completed  # S3's part rule
    assert len(world.s3.part_sizes) >= job.package_size // PART_BYTES
    assert world.jobs.progress_seen == [1, 2, 3, 4]

    with open(world.s3.path, "rb") as package:
        assert hashlib.sha256(package.read()).hexdigest() == job.package_sha256
    with zipfile.ZipFile(world.s3.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.testzip() is None  # every entry's CRC
        for entry in manifest["entries"]:
            digest, size = hashlib.sha256(), 0
            with archive.open(entry["path"]) as member:
                while chunk := member.read(MIB):
                    digest.update(chunk)
                    size += len(chunk)
            assert (size, digest.hexdigest()) == (entry["size"], entry["sha256"])
        names = set(archive.namelist())
    documents = sorted(n for n in names if "/documents/" in n)
    assert len(documents) == DOCUMENTS
    assert f"{world.ids[0]}/documents/a1-passwd" in documents  # a file name never leaves its folder
    assert [m.get("contentWithheld", False) for m in manifest["messages"]] == [False, False, False, True]
    assert not any(n.startswith(f"{world.ids[3]}/documents") for n in names)


def test_a_document_whose_bytes_changed_fails_the_job_and_aborts_the_upload(world):
    message = world.index.messages[(RECIPIENT, world.ids[1])]
    message.attachments[0] = replace(message.attachments[0], sha256_b64url=b64url_sha256(b"other"))
    build_download(_body(world), world.downloads)
    assert (world.jobs.job.status, world.jobs.job.code) == (FAILED, "INTERNAL_ERROR")
    assert world.s3.aborted and not world.s3.completed


def test_a_message_gone_since_the_request_fails_the_job(world):
    del world.index.messages[(RECIPIENT, world.ids[2])]
    build_download(_body(world), world.downloads)
    assert (world.jobs.job.status, world.jobs.job.code) == (FAILED, "NOT_FOUND")


def test_a_finished_job_delivered_again_is_not_rebuilt(world):
    world.jobs.job.status = READY
    assert "nothing to do" in build_download(_body(world), world.downloads)
    assert world.s3.part_sizes == []


@pytest.mark.parametrize(("name", "safe"), [("avis.pdf", "avis.pdf"), ("../../x.pdf", "x.pdf"),
                                            ("a\\b\\c.txt", "c.txt"), ("..", "document"),
                                            ("rapport été 2026.pdf", "rapport _t_ 2026.pdf")])
def test_file_names_stay_one_segment(name, safe):
    assert safe_file_name(name) == safe


def _refusal(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "UploadPart")


def test_a_bucket_that_refuses_the_package_fails_the_job_at_once_with_the_incident_logged(world, monkeypatch, caplog):
    """Access denied is no reason to try again: the job ends FAILED at the first delivery, not RUNNING."""
    def denied(**kwargs: object) -> dict[str, str]:
        raise _refusal("AccessDenied", 403)

    monkeypatch.setattr(world.s3, "upload_part", denied)
    assert "FAILED" in build_download(_body(world), world.downloads, attempt=1)
    assert (world.jobs.job.status, world.jobs.job.code) == (FAILED, "INTERNAL_ERROR")
    assert world.s3.aborted and "AccessDenied" in caplog.text


def test_a_throttled_part_leaves_the_job_to_its_queue(world, monkeypatch):
    def throttled(**kwargs: object) -> dict[str, str]:
        raise _refusal("SlowDown", 503)

    monkeypatch.setattr(world.s3, "upload_part", throttled)
    with pytest.raises(TransientError, match="SlowDown"):
        build_download(_body(world), world.downloads, attempt=1)
    assert world.jobs.job.status == RUNNING


def test_a_document_the_service_may_not_read_fails_the_job_at_once(world, monkeypatch):
    def denied(**kwargs: object) -> dict[str, str]:
        raise _refusal("AccessDenied", 403)

    monkeypatch.setattr(world.s3, "get_object", denied)
    build_download(_body(world), world.downloads, attempt=1)
    assert (world.jobs.job.status, world.jobs.job.code) == (FAILED, "INTERNAL_ERROR")
