"""Demo data for the local stack, written after provisioning (skipped with `ebox-local --no-seed`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger("ebox_local")
DEMO_DATA = Path(__file__).resolve().parent.parent / "demo" / "demo-data.json"


def seed_demo_data(env: Mapping[str, str], *, demo_data: Path = DEMO_DATA) -> None:
    """Writes infra/demo/demo-data.json (enterprises, e-Boxes, senders and their secrets) to the
    registry table. ``env`` is the functions' resolved environment, already in os.environ, which is
    where the e-Box services read their configuration from."""
    from ebox.registry_import import import_registry
    from ebox.wiring import services

    if not demo_data.is_file():
        logger.warning("demo data: %s not found, nothing seeded", demo_data)
        return
    svc = services()
    events = svc.new_buffered_events()
    counts = import_registry(json.loads(demo_data.read_text(encoding="utf-8")), svc.registry, events=events)
    events.flush()
    logger.info("demo data: %s (registry table %s)", ", ".join(f"{n} {kind}" for kind, n in counts.items()),
                env.get("EBOX_REGISTRY_TABLE", "?"))
