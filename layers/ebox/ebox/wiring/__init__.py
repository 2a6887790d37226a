"""The composition root, the one place adapters are built: from the configuration, lazily (nothing at
import time: each adapter's module is imported on first use, a Lambda cold start), once per process.

Every property is typed with its concrete adapter, and the bundles handed to use cases
(``PublicationPorts``, ``BulkImportPorts``, ``DownloadPorts``) are typed with the domain's Protocols
(:mod:`ebox.domain.ports`), so mypy checks each adapter against the port it fills. Handlers and routes
ask this package for what their use case needs (``services()``); use cases never see it.

The root is split by area, each module building on the message registry's adapters
(:mod:`.message_services`): bulk imports (:mod:`.bulk_services`), bulk downloads
(:mod:`.download_services`), sender onboarding and callbacks (:mod:`.sender_services`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property

from ebox.config import load_config
from ebox.wiring.bulk_services import BulkServices
from ebox.wiring.download_services import DownloadServices
from ebox.wiring.message_services import MessageServices
from ebox.wiring.sender_services import SenderServices

__all__ = ["BulkServices", "DownloadServices", "MessageServices", "SenderServices", "Services", "classify_error",
           "reset_services", "services"]


@dataclass
class Services(MessageServices):
    """The process-wide adapters: the message registry's, and each area's, built on first use."""

    @cached_property
    def bulk(self) -> BulkServices:
        return BulkServices(self)

    @cached_property
    def downloads(self) -> DownloadServices:
        return DownloadServices(self)

    @cached_property
    def senders(self) -> SenderServices:
        """Sender onboarding and callbacks to senders (issue 16)."""
        return SenderServices(self)


def classify_error(error: Exception) -> Exception:
    """An AWS failure that escaped its adapter, classified once (ebox.adapters.aws_errors): throttling,
    5xx and unreachable services become a TransientError (503); anything else is left as it is."""
    if type(error).__module__.partition(".")[0] not in ("botocore", "boto3", "pynamodb"):
        return error
    from ebox.adapters.aws_errors import classify

    return classify(error)


@functools.cache
def services() -> Services:
    """The process-wide services, built from the environment at first use (a Lambda cold start)."""
    return Services(load_config())


def reset_services() -> None:
    """Forgets the cached services (tests that change the environment call this)."""
    services.cache_clear()

