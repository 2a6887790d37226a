"""The statistics' backfill (ebox.domain.statistics_backfill): each call advances the run by a few bounded
pages and saves where it stopped, so that the operator's tool calls again until it is done, and a call
that failed or was interrupted is simply made again."""

from __future__ import annotations

from dataclasses import dataclass

from ebox.domain.errors import RequestStateConflict
from ebox.domain.sender_ports import StatisticsRebuild, StoredMessages
from ebox.domain.statistics import StatisticsStore, record_facts
from ebox.domain.statistics_backfill import DONE, REPLAY, WIPE, BackfillProgress, message_facts

PAGE_ITEMS = 100  # items read per page (a Scan's Limit): a page is a bounded piece of work


@dataclass(frozen=True)
class BackfillPorts:
    messages: StoredMessages
    rebuild: StatisticsRebuild
    counters: StatisticsStore


def advance_backfill(ports: BackfillPorts, *, restart: bool, pages: int, now: str,
                     page_items: int = PAGE_ITEMS) -> BackfillProgress:
    """Runs up to ``pages`` pages of the current run (a new one when none was started, or on ``restart``)."""
    saved = ports.rebuild.progress()
    progress, seen = saved, saved.version if saved is not None else None
    if restart or progress is None:  # a new run, saved at once (a second operator's run at the same time fails)
        progress = BackfillProgress(WIPE, now, version=(seen or 0) + 1)
        _save(ports, progress, seen)
        seen = progress.version
    for _ in range(pages):
        if progress.phase == DONE:
            break
        progress = _page(ports, progress, page_items)
        _save(ports, progress, seen)
        seen = progress.version
    return progress


def _page(ports: BackfillPorts, progress: BackfillProgress, page_items: int) -> BackfillProgress:
    if progress.phase == WIPE:
        removed, cursor = ports.rebuild.wipe_page(progress.cursor, page_items)
        return progress.advanced(removed=progress.removed + removed, cursor=cursor,
                                 phase=WIPE if cursor else REPLAY)
    messages, cursor = ports.messages.page(progress.cursor, page_items)
    record_facts([fact for message in messages
                  for fact in message_facts(message, published_before=progress.started_at)], ports.counters)
    return progress.advanced(messages=progress.messages + len(messages), cursor=cursor,
                             phase=REPLAY if cursor else DONE)


def _save(ports: BackfillPorts, progress: BackfillProgress, seen: int | None) -> None:
    if not ports.rebuild.save_progress(progress, seen_version=seen):
        raise RequestStateConflict("another statistics backfill advanced meanwhile: run one at a time")
