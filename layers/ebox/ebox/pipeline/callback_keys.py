"""Rotating the key that signs callbacks (docs/callbacks.md, decision 0014): a new key signs from now on,
the one it replaces stays in the published key set for the grace period, then is withdrawn."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ebox.domain.callback_keys import published, retired_by_rotation, signing_key
from ebox.domain.sender_ports import CallbackKeyStore


def rotate_callback_key(store: CallbackKeyStore, *, grace_days: int, now: datetime) -> dict[str, Any]:
    """The new key is saved first (so that it is published before anything it signs is sent), then the keys
    that were signing get their end. Answers the keys as the operator sees them."""
    before = store.keys()
    store.save(store.new_key(now))
    for key in retired_by_rotation(before, now, grace_days):
        store.save(key)
    return key_listing(store, now=now)


def key_listing(store: CallbackKeyStore, *, now: datetime) -> dict[str, Any]:
    """Every key with its status (ACTIVE, RETIRING until retiresAt, RETIRED)."""
    keys = store.keys()
    signing = signing_key(keys)
    ordered = sorted(keys, key=lambda k: (k.created_at, k.kid), reverse=True)
    return {"items": [k.view(now, signing=k is signing) for k in ordered], "publishedKids": [
        k.kid for k in published(keys, now)]}
