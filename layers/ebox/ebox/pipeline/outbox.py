"""The transactional outbox: what derives from a publication, read from the messages table's stream.

A publication is one DynamoDB transaction (ebox.adapters.message_index.DynamoMessageIndex.add). The
table streams each new message item; this consumer, one batch at a time:

- puts `MessagePublished` on the bus, ten entries per PutEvents (a failure fails the batch: Lambda
  delivers it again, so a crash between the write and the announcement loses nothing);
- adds the messages to their e-Box's and partition's counters, once: each counter remembers the last
  stream sequence number it counted, and an update for records it already counted is refused (read back,
  the counter then adds only the records after its mark: a batch may start before it);
- counts the publications in the statistics (documents per year and per sender), once: each statistics
  counter remembers, per stream shard, the last record it counted (no marker per message);
- links a reply to the message it answers.

Every step is idempotent or at-least-once-safe (event consumers already take EventBridge's duplicates),
so a replayed batch changes nothing it already did, except that its events may go out twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.domain.ports import BufferedEvents, OutboxIndex, PublishedStream
from ebox.domain.statistics import StreamedPublications, published_fact


@dataclass(frozen=True)
class OutboxPorts:
    stream: PublishedStream
    index: OutboxIndex
    events: BufferedEvents  # a failed put raises, so that the batch is delivered again
    statistics: StreamedPublications


def relay(records: list[dict[str, Any]], ports: OutboxPorts, *, stream_shard: str | None = None) -> dict[str, int]:
    """Applies one stream batch (from ``stream_shard``, the records' shard when the event names it); raises
    (and Lambda retries the batch) if any step failed."""
    published = ports.stream.published(records)
    if not published:
        return {"messages": 0}
    ports.index.count_published(published)
    ports.statistics.count_streamed(stream_shard, [(sequence, published_fact(m)) for sequence, m in published])
    ports.index.link_replies([m for _, m in published if m.is_reply])
    for _, message in published:
        ports.events.message_published(message)
    ports.events.flush()
    return {"messages": len(published)}
