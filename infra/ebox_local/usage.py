"""API Gateway's usage plans, locally: the API key a request is counted against (the authorizer's
`usageIdentifierKey`, or the `x-api-key` header) must be an enabled key of a usage plan of the emulator's API
Gateway; each key then has its plan's throttle (a token bucket: `burstLimit` at once, refilled at
`rateLimit` per second) and quota (requests per day, week or month, UTC). The answer names the gateway
response type that refuses a request (INVALID_API_KEY, THROTTLED, QUOTA_EXCEEDED) or None."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KNOWN_KEYS_SECONDS = 5.0  # known keys are read again this often: an operator disables (a suspension) or enables them


@dataclass(frozen=True)
class Plan:
    rate: float | None
    burst: int | None
    quota: int | None
    period: str = "DAY"


@dataclass
class _Usage:
    plan: Plan
    tokens: float
    refilled: float
    window: str = ""
    used: int = 0


def _window(period: str, now: datetime) -> str:
    if period == "WEEK":
        return now.strftime("%G-W%V")
    if period == "MONTH":
        return now.strftime("%Y-%m")
    return now.strftime("%Y-%m-%d")


class UsagePlans:
    def __init__(self, apigateway: Callable[[], Any], clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._client, self._clock, self._now = apigateway, clock, now
        self._keys: dict[str, tuple[str, bool]] = {}
        self._plans: dict[str, Plan | None] = {}
        self._usage: dict[str, _Usage] = {}
        self._looked_up = float("-inf")
        self._lock = threading.Lock()

    def admit(self, key_value: str | None) -> tuple[str | None, str | None]:
        """(refusal, key id): refusal None when the request may go on."""
        if not key_value:
            return "INVALID_API_KEY", None
        with self._lock:
            key_id, plan = self._find(key_value)
            if key_id is None or plan is None:
                return "INVALID_API_KEY", key_id
            return self._count(key_id, plan), key_id

    def _find(self, value: str) -> tuple[str | None, Plan | None]:
        # A key not seen yet is looked up at once (one made a moment ago by an approval must work at its first
        # request; with the template's AUTHORIZER key source the value comes from the registry, not a caller).
        if self._clock() - self._looked_up >= KNOWN_KEYS_SECONDS or value not in self._keys:
            self._looked_up = self._clock()
            client = self._client()
            for page in client.get_paginator("get_api_keys").paginate(includeValues=True):
                for key in page.get("items", []):
                    self._keys[key["value"]] = (key["id"], bool(key.get("enabled", True)))
        key_id, enabled = self._keys.get(value, (None, False))
        if key_id is None or not enabled:
            return key_id, None
        if self._plans.get(key_id) is None:
            plans = self._client().get_usage_plans(keyId=key_id).get("items", [])
            self._plans[key_id] = _plan(plans[0]) if plans else None
        return key_id, self._plans[key_id]

    def _count(self, key_id: str, plan: Plan) -> str | None:
        now = self._clock()
        usage = self._usage.get(key_id)
        if usage is None:
            usage = self._usage[key_id] = _Usage(plan, float(plan.burst or plan.rate or 0), now)
        if plan.rate:
            capacity = float(plan.burst or plan.rate)
            usage.tokens = min(capacity, usage.tokens + (now - usage.refilled) * plan.rate)
            usage.refilled = now
            if usage.tokens < 1:
                return "THROTTLED"
        if plan.quota is not None:
            window = _window(plan.period, self._now())
            if usage.window != window:
                usage.window, usage.used = window, 0
            if usage.used >= plan.quota:
                return "QUOTA_EXCEEDED"
            usage.used += 1
        if plan.rate:
            usage.tokens -= 1
        return None


def _plan(raw: dict[str, Any]) -> Plan:
    throttle, quota = raw.get("throttle") or {}, raw.get("quota") or {}
    return Plan(rate=float(throttle["rateLimit"]) if throttle.get("rateLimit") else None,
                burst=int(throttle["burstLimit"]) if throttle.get("burstLimit") else None,
                quota=int(quota["limit"]) if quota.get("limit") else None, period=str(quota.get("period", "DAY")))
