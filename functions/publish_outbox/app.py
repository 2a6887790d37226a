"""Publish outbox: the messages table's stream → MessagePublished on the bus, e-Box counters, reply links.

A batch that fails is raised: Lambda delivers the same records again (bisecting the batch), so that
nothing a publication promised is lost between its write and its announcement."""

import logging
from typing import Any

from ebox import observability
from ebox.pipeline.outbox import OutboxPorts, relay
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.publish_outbox")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: OutboxPorts | None = None) -> Any:
    result = relay(event.get("Records", []), deps or services().outbox_ports())
    logger.info("outbox relayed", extra=result)
    return result
