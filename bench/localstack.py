"""`make bench-localstack` (run by `ebox-localstack`): publication throughput through the real API handler
on LocalStack + DynamoDB Local, beside the floor measured in the same run on the same emulators (bare
boto3: one S3 put and one DynamoDB put per message), and the AWS calls per message, which must be the
same as on moto (`make bench`). With `--inbox-messages N` (`make bench-localstack INBOX_MESSAGES=N`), then
the inbox pages of `bench.inbox` in one e-Box of N messages on DynamoDB Local, whose indexes answer a Query
from their own storage: moto reads every item of the table for each index Query, DynamoDB Local does not,
so an e-Box of a million messages can be paged through here."""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import inbox
from bench.emulator import STREAM_POLLERS
from bench.publication import calls_per_message, floor, publish_many
from tests.apigw import PDF

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def provisioned_localstack() -> Iterator[dict[str, str]]:
    """template.yaml provisioned on the LocalStack that ebox-localstack started, with the demo data."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.registry_import import import_registry
    from ebox.wiring import reset_services, services
    from ebox_local.invocations import InvocationServer
    from ebox_local.localstack_target import TARGET, TARGET_VARIABLE
    from ebox_local.provisioning import provision_template
    from ebox_local.stack import unique_run_name
    from ebox_local.stream_pollers import start_stream_pollers

    if os.environ.get(TARGET_VARIABLE) != TARGET:
        raise SystemExit("run it through LocalStack: make bench-localstack")
    os.environ["AWS_REQUEST_CHECKSUM_CALCULATION"] = "when_required"  # as `make bench` on moto
    run = unique_run_name()
    server = InvocationServer()
    try:
        provisioned = provision_template(ROOT / "template.yaml", {"Stage": run}, prefix=run,
                                         invocation_url=server.url_for)
        server.provisioned = provisioned
        os.environ.update(provisioned.environment)
        reset_clients()
        reset_services()
        import_registry(json.loads((ROOT / "infra/demo/demo-data.json").read_text()), services().registry,
                        secret_iterations=1000)
        # The outbox, from DynamoDB Local's stream, as on moto (bench.emulator).
        STREAM_POLLERS[:] = start_stream_pollers(provisioned, os.environ.get("AWS_REGION", "eu-west-1"),
                                                 endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])
        yield dict(provisioned.environment, AWS_ENDPOINT_URL=os.environ["AWS_ENDPOINT_URL"],
                   AWS_ENDPOINT_URL_DYNAMODB=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])
    finally:
        for poller in STREAM_POLLERS:
            poller.stop()
        STREAM_POLLERS.clear()
        server.close()


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200, help="publications per measurement")
    parser.add_argument("--inbox-messages", type=int, default=0, help="then page through an e-Box of that many")
    args = parser.parse_args()
    inbox_rows: list[tuple[str, float, float, float, int | str]] = []
    with provisioned_localstack() as environment:
        publish_many(10)  # warm-up: caches, connections, KMS public key
        rate, calls = publish_many(args.messages)
        floor_rate = floor(args.messages, environment, PDF)
        if args.inbox_messages:
            inbox_rows = inbox.run(args.inbox_messages, stream_pollers=STREAM_POLLERS)
            inbox_floor = inbox.floor_ms(environment, 10)
    console = Console(width=120)
    table = Table(title=f"Publication on LocalStack + DynamoDB Local, {args.messages} messages of {len(PDF)} bytes, "
                        "one client")
    for column in ("measure", "messages/s", "floor messages/s", "ratio to floor"):
        table.add_column(column)
    table.add_row("API handler → S3 + DynamoDB + EventBridge", f"{rate:.1f}", f"{floor_rate:.1f}",
                  f"{rate / floor_rate:.2f}")
    console.print(table)
    calls_table = Table(title="AWS calls per simple message (LocalStack)")
    calls_table.add_column("service")
    calls_table.add_column("calls per message")
    for service, per_message in calls_per_message(calls, args.messages):
        calls_table.add_row(service, str(per_message))
    console.print(calls_table)
    if inbox_rows:
        inbox.print_table(console, inbox_rows, args.inbox_messages, inbox_floor)


if __name__ == "__main__":
    main()
