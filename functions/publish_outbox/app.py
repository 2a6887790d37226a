"""Publish outbox: the messages table's stream → MessagePublished on the bus, e-Box counters, the statistics'
publication counters, reply links.

A batch that fails is raised: Lambda delivers the same records again (bisecting the batch), so that
nothing a publication promised is lost between its write and its announcement. The event source mapping has
a tumbling window only so that the event names the records' shard (``shardId``): the statistics count once
per stream shard. Lambda then wants a ``state`` in the answer (without one the batch counts as failed); the
outbox keeps none, and the window's last invocation (no new records) does nothing."""

import logging
from typing import Any

from ebox import observability
from ebox.pipeline.outbox import OutboxPorts, relay
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.publish_outbox")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: OutboxPorts | None = None) -> Any:
    result = relay(event.get("Records", []), deps or services().outbox_ports(), stream_shard=event.get("shardId"))
    logger.info("outbox relayed", extra=result)
    return {**result, "state": {}}
