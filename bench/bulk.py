"""`python -m bench.bulk --messages N`: a generated batch of N small messages dropped in the import
bucket of the local stack (`ebox-local`, in this process: moto server, the real handlers, SQS pollers,
notifications and evidence archiving included), timed from the drop to its report; beside the floor,
the same number of minimal writes (one S3 put + one DynamoDB put per message) by bare boto3 against
the same emulator, with the same parallelism as the local workers; and peak memory.

The issue asks for 100,000 messages (the default); on a 2-core laptop that takes hours on moto, so
pass a smaller N and write down what you ran (docs/benchmarks.md, "Bulk imports")."""

from __future__ import annotations

import argparse
import logging
import resource
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n% e-Box bulk benchmark notice\n%%EOF\n"
RECIPIENTS = ("0852093431", "0403019261")


def make_batch(count: int, folder: Path) -> Path:
    from ebox_cli.batch_builder import BatchIdentity, build_batch

    (folder / "notice.pdf").write_bytes(PDF)
    rows = ({"enterpriseNumber": RECIPIENTS[i % 2], "document": "notice.pdf", "subject_fr": f"Avis {i + 1}"}
            for i in range(count))
    out = folder / f"bench-{uuid.uuid4().hex[:8]}.zip"
    build_batch(rows, folder, out, BatchIdentity("0406798006", "demo-app", "demo-notice", {"fr": "Avis"}))
    return out


def run_bulk(count: int) -> dict[str, Any]:
    import boto3
    from ebox.domain.batch_plan import batch_of_key
    from ebox_local.stack import LocalStack

    with tempfile.TemporaryDirectory() as scratch, LocalStack(ROOT / "template.yaml", port=0, moto_port=0) as stack:
        archive = make_batch(count, Path(scratch))
        environment = stack.provisioned.environment if stack.provisioned else {}
        session = boto3.session.Session(region_name=stack.region)
        s3 = session.client("s3", endpoint_url=stack.aws_endpoint_url)
        key = f"0406798006/{archive.name}"
        from ebox.bulk_wiring import bulk_services

        ref = batch_of_key(key)
        ledger = bulk_services().ledger
        # the floor first, on the same emulator, while nothing else runs in it
        floor_rate = floor(count, environment, stack.aws_endpoint_url, workers=worker_count(stack))
        started = time.perf_counter()
        s3.upload_file(str(archive), environment["EBOX_IMPORT_BUCKET"], key)
        batch: dict[str, Any] = {}
        while batch.get("status") not in ("COMPLETED", "REFUSED"):
            time.sleep(0.5)
            batch = ledger.get(ref) or {}
        elapsed = time.perf_counter() - started
        return {"count": count, "elapsed": elapsed, "rate": count / elapsed, "floor": floor_rate,
                "batch": batch, "archive_bytes": archive.stat().st_size, "workers": worker_count(stack),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


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
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = run_bulk(args.messages)
    batch = result["batch"]
    table = Table(title=f"Bulk import through the local stack: {result['count']} messages of {len(PDF)} bytes, "
                        f"{result['workers']} local workers, archive {result['archive_bytes'] / 1e6:.1f} MB")
    for column in ("measure", "value", "floor", "ratio to floor"):
        table.add_column(column)
    table.add_row("messages/s, drop → report", f"{result['rate']:.1f}", f"{result['floor']:.1f} (S3 put + DynamoDB "
                  "put, bare boto3)", f"{result['rate'] / result['floor']:.3f}")
    table.add_row("duration", f"{result['elapsed']:.1f} s", "", "")
    table.add_row("accepted / rejected", f"{batch.get('accepted')} / {batch.get('rejected')}", "", "")
    table.add_row("peak memory (whole process: emulator, stack, workers)", f"{result['peak_rss_mb']:.0f} MB", "", "")
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
