"""Pre-signed S3 URLs of one bucket: built here once, so no route or step touches an S3 client."""

from __future__ import annotations

from typing import Any


class S3PresignedUrls:
    def __init__(self, s3_client: Any, *, bucket: str, expires_in: int) -> None:
        self._s3, self._bucket, self.expires_in = s3_client, bucket, expires_in

    def _url(self, method: str, key: str) -> str:
        return str(self._s3.generate_presigned_url(
            method, Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=self.expires_in))

    def download_url(self, key: str) -> str:
        """A URL that GETs ``key`` for ``expires_in`` seconds."""
        return self._url("get_object", key)

    def upload_url(self, key: str) -> str:
        """A URL that PUTs ``key`` for ``expires_in`` seconds."""
        return self._url("put_object", key)
