"""Fixed-window rate limits (ebox.domain.rate_limits), with a clock passed in: no waiting, no timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from ebox.domain.errors import RateLimited
from ebox.domain.rate_limits import RateLimit, check_rate

HOUR = RateLimit("replies", 3, 3600)
START = datetime(2026, 11, 30, 10, 0, 0, tzinfo=UTC)


class Counters:
    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.expiry: dict[str, int] = {}

    def take(self, key: str, *, limit: int, expires_at: int) -> bool:
        if self.hits.get(key, 0) >= limit:
            return False
        self.hits[key] = self.hits.get(key, 0) + 1
        self.expiry.setdefault(key, expires_at)
        return True


def test_the_limit_is_per_subject_and_the_next_request_is_told_when_to_come_back():
    counters = Counters()
    for minute in range(3):
        check_rate(HOUR, "0852093431", counters, now=START + timedelta(minutes=minute))
    check_rate(HOUR, "0207436874", counters, now=START)  # another e-Box has its own count
    with pytest.raises(RateLimited) as refused:
        check_rate(HOUR, "0852093431", counters, now=START + timedelta(minutes=20))
    assert refused.value.code == "TOO_MANY_REQUESTS" and refused.value.retry_after == 40 * 60


def test_a_new_window_starts_on_the_hour_and_the_old_one_expires_after_it():
    counters = Counters()
    for _ in range(3):
        check_rate(HOUR, "e", counters, now=START + timedelta(minutes=59))
    check_rate(HOUR, "e", counters, now=START + timedelta(hours=1))
    [first, second] = counters.expiry.values()
    assert first == int((START + timedelta(hours=2)).timestamp()) and second - first == 3600


def test_a_limit_must_count_something():
    with pytest.raises(ValueError, match="positive"):
        RateLimit("replies", 0, 3600)
