"""`python -m bench.bulk --messages N`: a generated batch of N small messages dropped in the import
bucket of the local stack (`ebox-local`, in this process: moto server, the real handlers, SQS pollers,
notifications and evidence archiving included), timed from the drop to its report; beside the floor,
minimal writes (one S3 put + one DynamoDB put per message, at most FLOOR_SAMPLE of them: a rate,
measured before the import) by bare boto3 against the same emulator, with the same parallelism as the
local workers; and peak memory (the whole process: emulator, stack, workers).

The issue asks for 100,000 messages (the default); write down what you ran (docs/benchmarks.md, "Bulk
imports")."""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.bulk_cost import bulk_cost_rows, count_function_call, metered_functions, wait_until_idle
from bench.cost import PRICES, Meter, total

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n% e-Box bulk benchmark notice\n%%EOF\n"
RECIPIENTS = ("0852093431", "0403019261")
FLOOR_SAMPLE = 2000  # the floor's writes: enough for a rate, without adding their own items to a big run


def make_batch(count: int, folder: Path) -> Path:
    from ebox_cli.batch_builder import BatchIdentity, build_batch

    (folder / "notice.pdf").write_bytes(PDF)
    rows = ({"enterpriseNumber": RECIPIENTS[i % 2], "document": "notice.pdf", "subject_fr": f"Avis {i + 1}"}
            for i in range(count))
    out = folder / f"bench-{uuid.uuid4().hex[:8]}.zip"
    build_batch(rows, folder, out, BatchIdentity("0406798006", "demo-app", "demo-notice", {"fr": "Avis"}))
    return out


def run_bulk(count: int, *, profile: str | None = None, cost_timeout: float | None = None) -> dict[str, Any]:
    """The import of ``count`` generated lines, timed from the drop to its report; with ``cost_timeout``,
    then also everything it set going, counted and priced, until nothing is left to do (at most that long)."""
    import boto3
    from ebox.domain.batch_plan import batch_of_key
    from ebox_local.stack import LocalStack

    with tempfile.TemporaryDirectory() as scratch, LocalStack(ROOT / "template.yaml", port=0, moto_port=0) as stack:
        archive = make_batch(count, Path(scratch))
        environment = stack.provisioned.environment if stack.provisioned else {}
        session = boto3.session.Session(region_name=stack.region)
        s3 = session.client("s3", endpoint_url=stack.aws_endpoint_url)
        key = f"0406798006/{archive.name}"
        from ebox.wiring import services

        ref = batch_of_key(key)
        ledger = services().bulk.ledger
        # the floor first, on the same emulator, while nothing else runs in it
        floor_rate = floor(min(count, FLOOR_SAMPLE), environment, stack.aws_endpoint_url, workers=worker_count(stack))
        worker, everything = Meter(), Meter()
        idle: bool | None = None
        with counted_calls(worker, everything) as calls, profiled_chunks(profile), metered_functions() as use:
            started = time.perf_counter()
            s3.upload_file(str(archive), environment["EBOX_IMPORT_BUCKET"], key)
            batch: dict[str, Any] = {}
            while batch.get("status") not in ("COMPLETED", "REFUSED"):
                time.sleep(0.5)
                batch = ledger.get(ref) or {}
            elapsed = time.perf_counter() - started
            report_calls = Counter(calls)
            if cost_timeout is not None:
                idle = wait_until_idle(stack, session.client("sqs", endpoint_url=stack.aws_endpoint_url),
                                       cost_timeout)
        return {"count": count, "elapsed": elapsed, "rate": count / elapsed, "floor": floor_rate,
                "batch": batch, "archive_bytes": archive.stat().st_size, "workers": worker_count(stack),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "calls": report_calls,
                "worker": worker, "everything": everything, "functions": use, "idle": idle}


_IN_CHUNK = threading.local()


@contextmanager
def counted_calls(worker: Meter | None = None, everything: Meter | None = None) -> Iterator[Counter[str]]:
    """Every AWS call any thread of the process makes (workers, consumers, pollers), by "service:Operation";
    with ``worker``, also what the bulk worker's own calls cost (those made inside publish_chunk); with
    ``everything``, what every thread's calls cost but the bench's own (its upload and its polls)."""
    from botocore.client import BaseClient
    from ebox.pipeline import bulk_import

    calls: Counter[str] = Counter()
    lock = threading.Lock()
    original = BaseClient._make_api_call
    original_chunk = bulk_import.publish_chunk
    bench_thread = threading.get_ident()

    def make_api_call(client: Any, operation: str, params: Any) -> Any:
        service = client.meta.service_model.service_name
        with lock:
            calls[f"{service}:{operation}"] += 1
            if worker is not None and getattr(_IN_CHUNK, "on", False):
                worker.observe(service, operation, params)
            if everything is not None and threading.get_ident() != bench_thread:
                everything.observe(service, operation, params)
        count_function_call()
        return original(client, operation, params)

    def publish_chunk(body: str, bulk: Any) -> None:
        _IN_CHUNK.on = True
        try:
            original_chunk(body, bulk)
        finally:
            _IN_CHUNK.on = False

    BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    bulk_import.publish_chunk = publish_chunk  # type: ignore[assignment]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
        bulk_import.publish_chunk = original_chunk  # type: ignore[assignment]


@contextmanager
def profiled_chunks(path: str | None) -> Iterator[None]:
    """With a path: each chunk's publication (the bulk worker's publish_chunk) under cProfile, the
    profiles of every worker thread merged into ``path`` (pstats format)."""
    if not path:
        yield
        return
    import cProfile
    import pstats

    from ebox.pipeline import bulk_import

    profiles: list[cProfile.Profile] = []
    original = bulk_import.publish_chunk

    def publish_chunk(body: str, bulk: Any) -> None:
        profile = cProfile.Profile()
        profile.enable()
        try:
            original(body, bulk)
        finally:
            profile.disable()
            profiles.append(profile)

    bulk_import.publish_chunk = publish_chunk  # type: ignore[assignment]
    try:
        yield
    finally:
        bulk_import.publish_chunk = original  # type: ignore[assignment]
        if profiles:
            stats = pstats.Stats(profiles[0])
            for profile in profiles[1:]:
                stats.add(profile)
            stats.dump_stats(path)


def worker_count(stack: Any) -> int:
    return Counter(p["function"] if isinstance(p, dict) else p for p in stack.status()["sqsPollers"])[
        "BulkPublishFunction"] or 1


def floor(count: int, environment: dict[str, str], endpoint: str, *, workers: int) -> float:
    """Messages per second of bare boto3: one S3 put and one DynamoDB put each, `workers` threads."""
    import boto3

    session = boto3.session.Session(region_name="eu-west-1")
    s3 = session.client("s3", endpoint_url=endpoint)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    bucket, table = environment["EBOX_CONTENT_BUCKET"], environment["EBOX_MESSAGES_TABLE"]

    def write(share: int) -> None:
        for _ in range(share):
            message_id = str(uuid.uuid4())
            s3.put_object(Bucket=bucket, Key=f"floor/{message_id}", Body=PDF)
            dynamodb.put_item(TableName=table, Item={"pk": {"S": f"FLOOR#{message_id}"}, "sk": {"S": "MSG"}})

    threads = [threading.Thread(target=write, args=(count // workers + (i < count % workers),))
               for i in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - start)


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000, help="lines in the generated batch")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON (the figures)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the bulk worker's chunks into FILE (pstats)")
    parser.add_argument("--cost", action="store_true",
                        help="after the report, wait until everything the import set going is done (outbox, "
                             "evidence archive, statistics, e-mail, audit) and price what every function did")
    parser.add_argument("--cost-timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="with --cost, how long to wait for that at most")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    load_start = os.getloadavg()[0]
    result = run_bulk(args.messages, profile=args.profile, cost_timeout=args.cost_timeout if args.cost else None)
    load_end = os.getloadavg()[0]
    batch = result["batch"]
    calls = result["calls"]
    table = Table(title=f"Bulk import through the local stack: {result['count']} messages of {len(PDF)} bytes, "
                        f"{result['workers']} local workers, archive {result['archive_bytes'] / 1e6:.1f} MB")
    for column in ("measure", "value", "floor", "ratio to floor"):
        table.add_column(column)
    table.add_row("messages/s, drop → report", f"{result['rate']:.1f}", f"{result['floor']:.1f} (S3 put + DynamoDB "
                  "put, bare boto3)", f"{result['rate'] / result['floor']:.3f}")
    table.add_row("duration", f"{result['elapsed']:.1f} s", "", "")
    table.add_row("machine load (1-minute average), start → end", f"{load_start:.1f} → {load_end:.1f}",
                  f"{os.cpu_count()} cores", "")
    table.add_row("accepted / rejected", f"{batch.get('accepted')} / {batch.get('rejected')}", "", "")
    table.add_row("peak memory (whole process: emulator, stack, workers)", f"{result['peak_rss_mb']:.0f} MB", "", "")
    table.add_row("AWS calls per line, every function (drop → report)",
                  f"{sum(calls.values()) / result['count']:.2f}", "2", "")
    Console(width=140).print(table)
    for name, n in calls.most_common():
        print(f"  {name:<40} {n:>8}  {n / result['count']:.3f} per line")
    worker: Meter = result["worker"]
    per = 1 / result["count"]
    print(f"the bulk worker's own calls, per line: {sum(worker.calls.values()) * per:.3f} "
          f"({', '.join(f'{k} {v * per:.3f}' for k, v in worker.calls.most_common())}); "
          f"DynamoDB write units {worker.wru * per:.2f} "
          f"({', '.join(f'{k} {v * per:.2f}' for k, v in worker.units.most_common())})")
    figures: dict[str, Any] = {}
    if args.cost:
        figures = print_cost(result)
    if args.json:
        print(json.dumps({**figures,
            "messages": result["count"], "seconds": round(result["elapsed"], 1), "per_s": round(result["rate"], 1),
            "floor_per_s": round(result["floor"], 1), "peak_mb": round(result["peak_rss_mb"]),
            "accepted": batch.get("accepted"), "rejected": batch.get("rejected"),
            "calls_per_line": round(sum(calls.values()) / result["count"], 2),
            "worker_calls_per_line": round(sum(worker.calls.values()) * per, 3),
            "worker_wru_per_line": round(worker.wru * per, 2),
            "worker_dynamodb_usd_per_million": round(worker.wru * per * PRICES["dynamodb_wru"] * 1e6, 2),
            "load_start": round(load_start, 1), "load_end": round(load_end, 1)}))


def print_cost(result: dict[str, Any]) -> dict[str, Any]:
    """The campaign's cost table (bench.bulk_cost); returns its figures for the JSON line."""
    from rich.console import Console
    from rich.table import Table

    lines, use, everything = result["count"], result["functions"], result["everything"]
    rows = bulk_cost_rows(everything, use, lines)
    done = "everything it set going done" if result["idle"] else "NOT everything done within --cost-timeout"
    table = Table(title=f"Cost per million lines of a bulk campaign before e-mail, from the counted calls of "
                        f"{lines} lines ({done}; eu-west-1 list prices, bench/cost.py)")
    for column in ("what, per line", "count", "unit price $", "per million $"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.what, f"{row.per_message:.3g}", f"{row.unit_price:.3g}", f"{row.per_million:.2f}")
    table.add_row("total", "", "", f"{total(rows):.2f}")
    Console(width=140).print(table)
    per = 1 / lines
    print("  DynamoDB write units per line, by operation and item: " + ", ".join(
        f"{k} {v * per:.3g}" for k, v in sorted(everything.units.items())))
    print(f"  functions: {use.invocations} invocations, {use.cpu_seconds:.1f} s of CPU, {use.calls} AWS calls")
    return {"cost_per_million_before_email_usd": round(total(rows), 2), "cost_complete": bool(result["idle"]),
            "wru_per_line": round(everything.wru * per, 2),
            "lambda_invocations_per_line": round(use.invocations * per, 4),
            "function_cpu_seconds_per_line": round(use.cpu_seconds * per, 4)}


if __name__ == "__main__":
    main()
