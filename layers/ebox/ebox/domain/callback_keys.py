"""The keys that sign callbacks (docs/callbacks.md, decision 0014): one signs, the ones it replaced stay
published until their grace period ends, so that a sender's cached key set keeps verifying what was signed
just before a rotation.

A key is ACTIVE (it signs: the newest key without an end), RETIRING (replaced, still in the published key
set until ``retires_at``) or RETIRED (no longer published). The stack's first key is the template's KMS key
(``wrapped`` None); the keys a rotation makes are P-256 keys whose private half is kept encrypted by KMS."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ebox.domain.errors import InvalidInput

ACTIVE, RETIRING, RETIRED = "ACTIVE", "RETIRING", "RETIRED"
DEFAULT_GRACE_DAYS = 7
MAX_GRACE_DAYS = 90


@dataclass(frozen=True)
class CallbackKey:
    kid: str
    jwk: dict[str, str]  # the public half (RFC 7517), ``kid`` included
    created_at: str  # ISO 8601, UTC ("" for the template's key: older than any rotation)
    retires_at: str | None = None  # set by the rotation that replaced it
    wrapped: bytes | None = None  # the private half encrypted by KMS; None: the template's KMS key signs

    def status(self, now: datetime) -> str:
        if self.retires_at is None:
            return ACTIVE
        return RETIRING if datetime.fromisoformat(self.retires_at) > now else RETIRED

    def view(self, now: datetime, *, signing: bool) -> dict[str, Any]:
        """The operator's view (``ebox admin callback-keys``): never the private half, wrapped or not."""
        shown: dict[str, Any] = {"kid": self.kid, "status": self.status(now), "signing": signing,
                                 "custody": "kms" if self.wrapped is None else "kms-wrapped"}
        if self.created_at:
            shown["createdAt"] = self.created_at
        if self.retires_at:
            shown["retiresAt"] = self.retires_at
        return shown


def signing_key(keys: Iterable[CallbackKey]) -> CallbackKey | None:
    """The key that signs: the newest one no rotation has replaced."""
    active = [k for k in keys if k.retires_at is None]
    return max(active, key=lambda k: (k.created_at, k.kid)) if active else None


def published(keys: Iterable[CallbackKey], now: datetime) -> list[CallbackKey]:
    """The keys a sender may meet in a signature's ``keyid``: the signing key first, then those retiring."""
    keys = list(keys)
    signing = signing_key(keys)
    rest = sorted((k for k in keys if k is not signing and k.status(now) != RETIRED),
                  key=lambda k: (k.created_at, k.kid), reverse=True)
    return ([signing] if signing else []) + rest


def retired_by_rotation(keys: Iterable[CallbackKey], now: datetime, grace_days: int) -> list[CallbackKey]:
    """What a rotation at ``now`` changes in the keys that were signing: each is published ``grace_days`` more."""
    ends = (now + timedelta(days=grace_days)).isoformat(timespec="seconds")
    return [replace(k, retires_at=ends) for k in keys if k.retires_at is None]


def parse_rotation(data: Any) -> int:
    """A rotation's body: none, or ``{"graceDays": n}`` (0 to 90; 0: the old key is withdrawn at once, as after
    a leak). Answers the grace period in days."""
    if data is None or data == {}:
        return DEFAULT_GRACE_DAYS
    grace = data.get("graceDays") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"graceDays"} or not isinstance(grace, int) \
            or isinstance(grace, bool) or not 0 <= grace <= MAX_GRACE_DAYS:
        raise InvalidInput(f'a rotation\'s body is empty or {{"graceDays": 0..{MAX_GRACE_DAYS}}}')
    return grace
