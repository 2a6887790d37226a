"""Cold import time of each Lambda handler module, beside a bare `import boto3` (median of runs)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5

_PROBE = """
import importlib.util, sys, time
start = time.perf_counter()
{body}
print(time.perf_counter() - start)
"""


def _load_file(path: Path) -> str:
    return (f"spec = importlib.util.spec_from_file_location('handler_module', {str(path)!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)")


def _median_ms(body: str) -> float:
    times = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", _PROBE.format(body=body)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        times.append(float(out.stdout.strip().splitlines()[-1]) * 1000)
    return statistics.median(times)


# What a first invocation adds: the adapters import boto3/pynamodb and build their clients lazily.
_ADAPTERS = """
import os
os.environ.update(EBOX_REGISTRY_TABLE="r", EBOX_MESSAGES_TABLE="m", EBOX_CONTENT_BUCKET="b",
                  EBOX_CONTENT_KEY_ID="k", AWS_DEFAULT_REGION="eu-west-1")
from ebox.wiring import services
s = services()
for name in ("registry", "index", "content", "events", "mailer", "audit"):
    getattr(s, name)
"""


def cold_imports() -> list[tuple[str, float, float]]:
    """(module, import ms, import + adapters built ms) for boto3 alone, the API and each handler."""
    rows = [("import boto3 (floor)", _median_ms("import boto3"), _median_ms("import boto3; boto3.client('s3', "
                                                                           "region_name='eu-west-1')"))]
    modules = [("api (app.py)", ROOT / "app.py")]
    modules += [(h.parent.name, h) for h in sorted((ROOT / "functions").glob("*/app.py"))]
    for name, path in modules:
        rows.append((name, _median_ms(_load_file(path)), _median_ms(_load_file(path) + _ADAPTERS)))
    return rows
