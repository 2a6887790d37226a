"""Fixed-window rate limits: at most ``limit`` requests of one kind per subject (an e-Box, an
organisation, an address) in each window of ``window_seconds``. The count lives in a store that takes a
request only while its window's count is below the limit (one conditional write, no read first); a window
ends on a multiple of its length, and its count expires after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ebox.domain.errors import RateLimited


@dataclass(frozen=True)
class RateLimit:
    name: str
    """What is counted: ``replies``, ``onboarding-by-organisation``, ``onboarding-by-address``."""
    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1:
            raise ValueError(f"rate limit {self.name}: limit and window must be positive")


class RateCounters(Protocol):
    def take(self, key: str, *, limit: int, expires_at: int) -> bool:
        """Counts one request under ``key`` unless ``limit`` were counted already; False then."""
        ...


def check_rate(rate: RateLimit, subject: str, counters: RateCounters, *, now: datetime) -> None:
    """Counts one request of ``subject``; RateLimited (429) when its window is full."""
    moment = int(now.timestamp())
    start = moment - moment % rate.window_seconds
    end = start + rate.window_seconds
    if not counters.take(f"{rate.name}#{subject}#{start}", limit=rate.limit, expires_at=end + rate.window_seconds):
        raise RateLimited(f"at most {rate.limit} {rate.name.split('-')[0]} per {rate.window_seconds} seconds; "
                          f"try again in {end - moment} seconds", retry_after=end - moment)
