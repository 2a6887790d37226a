"""Waiting on a condition, never for a fixed time (docs/testing.md): what follows a write a moment later
(the outbox's counters and reply links, a queue's consumer, a workflow's next state, an e-mail) is asked
for again until it is there."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 60.0, interval: float = 0.2) -> T:
    """``check()`` again until it holds, and its last answer (falsy when ``timeout`` seconds passed first).
    The timeout only bounds how long a failing test takes: a passing one waits no longer than it must."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(interval)
