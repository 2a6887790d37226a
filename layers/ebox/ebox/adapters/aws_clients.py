"""The one place AWS clients come from.

``AWS_ENDPOINT_URL`` (read into :class:`ebox.config.Config`) points every client at moto,
LocalStack or, when unset, AWS itself. Clients are built lazily and cached per process.
"""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

_RETRIES = BotoConfig(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30)


@functools.cache
def _session(region: str) -> boto3.session.Session:
    return boto3.session.Session(region_name=region)


def aws_client(service: str, *, region: str, endpoint_url: str | None) -> Any:
    """A boto3 client for ``service``, pointed at ``endpoint_url`` when one is configured."""
    return _cached_client(service, region, endpoint_url)


@functools.cache
def _cached_client(service: str, region: str, endpoint_url: str | None) -> Any:
    return _session(region).client(service, endpoint_url=endpoint_url, config=_RETRIES)


def reset_clients() -> None:
    """Forgets cached clients and sessions (tests that swap endpoints call this)."""
    _cached_client.cache_clear()
    _session.cache_clear()
