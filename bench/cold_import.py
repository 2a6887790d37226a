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


def cold_imports() -> list[tuple[str, float]]:
    rows = [("import boto3 (floor)", _median_ms("import boto3"))]
    rows.append(("api (app.py)", _median_ms(_load_file(ROOT / "app.py"))))
    for handler in sorted((ROOT / "functions").glob("*/app.py")):
        rows.append((handler.parent.name, _median_ms(_load_file(handler))))
    return rows
