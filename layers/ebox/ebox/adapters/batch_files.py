"""A batch's working files and its report, in S3.

  content bucket  archives/<org>/<batchId>/<run>.zip              the archive, kept: its documents are served from it
  content bucket  bulk/<org>/<batchId>/<run>/plan.jsonl             one chunk of lines per line
  content bucket  bulk/<org>/<batchId>/<run>/results/<n:06d>.jsonl  each chunk's line results
  import bucket   <org>/<batchId>.results.jsonl                     the report: one result per manifest line
  import bucket   <org>/<batchId>.summary.json                      counts, status, duration
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from ebox.adapters.aws_errors import call, classified, error_code
from ebox.domain.batch_plan import BatchRef
from ebox.domain.errors import InvalidInput

READERS = 8


class S3BatchFiles:
    def __init__(self, s3_client: Any, *, work_bucket: str, report_bucket: str, kms_key_id: str) -> None:
        self._s3 = s3_client
        self._work = work_bucket
        self._report = report_bucket
        self._kms = kms_key_id

    def _prefix(self, ref: BatchRef, run: str) -> str:
        return f"bulk/{ref.sender}/{ref.batch_id}/{run}"

    def _encryption(self) -> dict[str, str]:
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self._kms}

    def save_plan(self, ref: BatchRef, run: str, chunks: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Writes the chunks (spooled to disk, then uploaded); returns (chunks, lines)."""
        count = lines = 0
        with tempfile.TemporaryFile() as spool:
            for chunk in chunks:
                spool.write(json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                count += 1
                lines += len(chunk["lines"])
            spool.seek(0)
            with classified(f"could not save the plan of batch {ref.batch_id}"):
                self._s3.upload_fileobj(spool, self._work, f"{self._prefix(ref, run)}/plan.jsonl",
                                        ExtraArgs=self._encryption())
        return count, lines

    def plan(self, ref: BatchRef, run: str) -> Iterator[str]:
        with classified(f"could not read the plan of batch {ref.batch_id}"):
            body = self._s3.get_object(Bucket=self._work, Key=f"{self._prefix(ref, run)}/plan.jsonl")["Body"]
            for raw in body.iter_lines():
                if raw:
                    yield raw.decode()

    def save_chunk_results(self, ref: BatchRef, run: str, chunk: int, results: list[dict[str, Any]]) -> None:
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode()
        self._put(self._work, f"{self._prefix(ref, run)}/results/{chunk:06d}.jsonl", body, "application/x-ndjson")

    def write_report(self, ref: BatchRef, run: str, chunks: int) -> None:
        """Concatenates the chunks' results, in manifest order, into the report next to the batch."""
        keys = [f"{self._prefix(ref, run)}/results/{n:06d}.jsonl" for n in range(1, chunks + 1)]
        with tempfile.TemporaryFile() as spool, ThreadPoolExecutor(READERS) as pool:
            for data in pool.map(self._get, keys):
                spool.write(data)
            spool.seek(0)
            with classified(f"could not write the report of batch {ref.batch_id}"):
                self._s3.upload_fileobj(spool, self._report, ref.results_key,
                                        ExtraArgs={"ContentType": "application/x-ndjson", **self._encryption()})

    def save_summary(self, summary_key: str, summary: dict[str, Any]) -> None:
        self._put(self._report, summary_key, json.dumps(summary, ensure_ascii=False, indent=1).encode(),
                  "application/json")

    def keep_archive(self, bucket: str, key: str, *, version: str | None, kept_key: str) -> None:
        """One server-side copy per run (multipart beyond 5 GB, by boto3's managed copy). The sender's tags
        are not copied: a tag a lifecycle rule matches (``ebox-upload=pending``) would expire the copy."""
        source = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}
        try:
            with classified(f"could not keep the archive of batch {key}"):
                self._s3.copy(source, self._work, kept_key,
                              ExtraArgs={**self._encryption(), "TaggingDirective": "REPLACE"})
        except ClientError as error:
            if error_code(error) in ("NoSuchKey", "NoSuchVersion", "404"):
                raise InvalidInput(f"the archive {key} was removed while it was imported") from None
            raise

    def _get(self, key: str) -> bytes:
        with classified(f"could not read {key}"):
            return bytes(self._s3.get_object(Bucket=self._work, Key=key)["Body"].read())

    def _put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        call(self._s3, "put_object", failure=f"could not write {key}", Bucket=bucket, Key=key, Body=body,
             ContentType=content_type, **self._encryption())
