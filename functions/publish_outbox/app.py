"""Publish outbox: the messages table's stream → MessagePublished on the bus, e-Box counters, reply links.

A batch that fails is raised: Lambda delivers the same records again (bisecting the batch), so that
nothing a publication promised is lost between its write and its announcement."""

from typing import Any

from aws_lambda_powertools import Logger
from ebox.pipeline.outbox import relay
from ebox.wiring import services

logger = Logger(service="ebox-publish-outbox")


def handler(event: dict[str, Any], context: Any) -> Any:
    result = relay(event.get("Records", []), services().outbox_ports())
    logger.info("outbox relayed", extra=result)
    return result
