"""The outbox relays what one publication's single write promised: counters, reply links, MessagePublished."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from ebox.domain.message import REPLY_APPLICATION_ID, Message
from ebox.domain.statistics import CountOnce
from ebox.pipeline.outbox import OutboxPorts, relay

from tests.fakes import message_in


@dataclass
class Stream:
    messages: list[tuple[str, Message]]

    def published(self, records: list[dict[str, Any]]) -> list[tuple[str, Message]]:
        return self.messages


@dataclass
class Index:
    counted: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)

    def count_published(self, published: list[tuple[str, Message]]) -> None:
        self.counted += [m.message_id for _, m in published]

    def link_replies(self, replies: list[Message]) -> None:
        self.linked += [m.message_id for m in replies]


@dataclass
class Events:
    held: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    fail: bool = False

    def message_published(self, message: Message) -> None:
        self.held.append(message.message_id)

    def flush(self) -> None:
        if self.fail:
            raise RuntimeError("PutEvents failed")
        self.sent, self.held = self.sent + self.held, []


@dataclass
class Statistics:
    counted: list[tuple[str | None, str, str]] = field(default_factory=list)

    def count_streamed(self, stream_shard: str | None, publications: list[tuple[str, CountOnce]]) -> int:
        self.counted += [(stream_shard, sequence, fact.marker) for sequence, fact in publications]
        return len(publications)


def ports(messages: list[tuple[str, Message]], events: Events | None = None) -> OutboxPorts:
    return OutboxPorts(stream=Stream(messages), index=Index(), events=events or Events(),  # type: ignore[arg-type]
                       statistics=Statistics())


def test_each_published_message_is_counted_announced_and_a_reply_linked():
    reply = message_in("m-2", "", sender_application_id=REPLY_APPLICATION_ID, original_message_id="m-0")
    outbox = ports([("1", message_in("m-1", "")), ("2", reply)])
    assert relay([{}, {}], outbox) == {"messages": 2}
    assert outbox.index.counted == ["m-1", "m-2"]  # type: ignore[attr-defined]
    assert outbox.index.linked == ["m-2"]  # type: ignore[attr-defined]
    assert outbox.events.sent == ["m-1", "m-2"]  # type: ignore[attr-defined]


def test_a_batch_without_publications_does_nothing():
    outbox = ports([])
    assert relay([{"eventName": "MODIFY"}], outbox) == {"messages": 0}
    assert outbox.index.counted == [] and outbox.events.sent == []  # type: ignore[attr-defined]


def test_a_failed_announcement_fails_the_batch_so_that_it_is_delivered_again():
    with pytest.raises(RuntimeError):
        relay([{}], ports([("1", message_in("m-1", ""))], Events(fail=True)))


def test_each_publication_is_counted_in_the_statistics_with_its_shard_and_place_in_it():
    outbox = ports([("7", message_in("m-1", "")), ("9", message_in("m-2", ""))])
    relay([{}, {}], outbox, stream_shard="shardId-1")
    assert outbox.statistics.counted == [  # type: ignore[attr-defined]
        ("shardId-1", "7", "PUBLISHED#m-1"), ("shardId-1", "9", "PUBLISHED#m-2")]


def test_the_handler_answers_the_state_a_tumbling_window_wants_and_passes_the_shard():
    from ebox_local.functions import load_handler

    from tests.conftest import ROOT

    handler = load_handler(ROOT / "functions" / "publish_outbox", "app.handler")
    outbox = ports([("7", message_in("m-1", ""))])
    answer = handler({"Records": [{}], "shardId": "shardId-2", "state": {}}, None, deps=outbox)
    assert answer["state"] == {} and answer["messages"] == 1
    assert outbox.statistics.counted == [("shardId-2", "7", "PUBLISHED#m-1")]  # type: ignore[attr-defined]
