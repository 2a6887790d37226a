"""Large documents in the content bucket: pre-signed PUTs straight to the document's final key, and
the service's own check of what arrived (streamed: the document is never held whole in memory)."""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from ebox.adapters.aws_errors import call, classified, error_code
from ebox.domain.documents import HEAD_BYTES, b64url_of_digest
from ebox.domain.errors import DigestDoNotMatch, InvalidInput
from ebox.domain.message import ReceivedDocument
from ebox.domain.uploads import UPLOAD_URL_SECONDS, DocumentToUpload

PENDING = "ebox-upload=pending"  # the lifecycle rule UnusedDocumentUploads expires these after a day
READ_CHUNK = 1024 * 1024


class S3DocumentUploads:
    def __init__(self, s3_client: Any, *, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def presign(self, key: str, document: DocumentToUpload) -> dict[str, Any]:
        """A PUT that S3 accepts only with the announced length and SHA-256 (S3 checks the bytes
        against `x-amz-checksum-sha256`); the object is tagged pending and named by its metadata."""
        headers = {"Content-Type": document.media_type, "x-amz-checksum-sha256": document.sha256_base64,
                   "x-amz-tagging": PENDING, "x-amz-meta-file-name": _ascii(document.file_name),
                   "x-amz-meta-sha256": document.sha256_b64url}
        params = {"Bucket": self._bucket, "Key": key, "ContentType": document.media_type,
                  "ContentLength": document.size, "ChecksumSHA256": document.sha256_base64,
                  "Tagging": PENDING,
                  "Metadata": {"file-name": _ascii(document.file_name), "sha256": document.sha256_b64url}}
        url = self._s3.generate_presigned_url("put_object", Params=params, ExpiresIn=UPLOAD_URL_SECONDS,
                                              HttpMethod="PUT")
        return {"uploadUrl": url, "method": "PUT", "headers": headers, "expiresIn": UPLOAD_URL_SECONDS}

    def received(self, key: str, part_name: str) -> ReceivedDocument:
        """What was uploaded under ``key``, its SHA-256 computed here from the bytes themselves (S3
        checked them already on AWS; emulators do not)."""
        try:
            response = call(self._s3, "get_object", failure=f"could not read upload {key}", Bucket=self._bucket,
                            Key=key)
        except ClientError as error:
            if error_code(error) in ("NoSuchKey", "404", "NotFound"):
                raise InvalidInput(f"attachment '{part_name}': no upload {key.rsplit('/', 1)[-1]} of yours "
                                   "(never uploaded, or expired)") from None
            raise
        digest, size, head = hashlib.sha256(), 0, b""
        body = response["Body"]
        try:
            with classified(f"could not read upload {key}"):
                for chunk in iter(lambda: body.read(READ_CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]  # its type's magic, checked at publishing
        finally:
            body.close()
        metadata = response.get("Metadata") or {}
        computed = b64url_of_digest(digest.digest())
        if metadata.get("sha256") and metadata["sha256"] != computed:
            raise DigestDoNotMatch(f"attachment '{part_name}': the uploaded bytes' SHA-256 is {computed}, "
                                   f"not the {metadata['sha256']} announced when the upload was asked for")
        return ReceivedDocument(part_name=part_name, file_name=metadata.get("file-name") or key.rsplit("/", 1)[-1],
                                media_type=str(response.get("ContentType") or "application/octet-stream"),
                                size=size, sha256_b64url=computed, staged_key=key, head=head)

    def download_url(self, key: str, file_name: str, media_type: str, expires_in: int = 300) -> str:
        return str(self._s3.generate_presigned_url("get_object", Params={
            "Bucket": self._bucket, "Key": key, "ResponseContentType": media_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{_quote(file_name)}"}, ExpiresIn=expires_in))


def _ascii(name: str) -> str:
    """S3 user metadata is ASCII: a non-ASCII file name travels percent-encoded."""
    return _quote(name) if not name.isascii() else name


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
