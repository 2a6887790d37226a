"""`python -m bench.callbacks`: callbacks to senders on the emulator `make run` uses (moto server): N bus
events for one sender with a verified endpoint, delivered by the send_callbacks function's use case
(KMS signature, one delivery record, an HTTP POST to a local receiver), in batches of ten as SQS would
hand them; then the same N to an endpoint that answers 503 (each failure recorded and its retry queued).
Prints deliveries per second and AWS calls per event. The receiver here does not check signatures (the
tests' receiver checks every one): the figure is the platform's side. Events are handled one after the
other, as one Lambda container would."""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.calls import counting_calls
from bench.emulator import provisioned_emulator

SENDER, APP = "0406798006", "demo-app"


@contextmanager
def receiver(status: int) -> Iterator[tuple[str, list[int]]]:
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append(len(body))
            answer = b'{"challenge": "%s"}' % body.split(b'"challenge":"')[1].split(b'"')[0] \
                if b"callback.verification" in body else b""
            self.send_response(status if not answer else 200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    finally:
        server.shutdown()
        server.server_close()


def _events(count: int, prefix: str) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}-{n}", "detail-type": "MessageRead", "time": "2026-11-30T08:00:00Z",
             "detail": {"messageId": f"m-{n}", "senderOrganizationId": SENDER, "senderApplicationId": APP,
                        "readAt": "2026-11-30T08:00:00Z"}} for n in range(count)]


def _run(url: str, events: list[dict[str, Any]]) -> tuple[float, Counter[str]]:
    from ebox.adapters.aws_clients import reset_clients
    from ebox.pipeline.callbacks import handle_message, register_endpoint
    from ebox.wiring import reset_services, services

    with counting_calls() as calls:
        reset_clients()
        reset_services()
        ports = services().senders.callback_ports()
        endpoint = register_endpoint({"url": url, "events": ["message.read"]}, ports, organization_id=SENDER,
                                     application_id=APP, now=datetime.now(UTC), allow_loopback=True)
        assert endpoint.status == "VERIFIED", endpoint
        services().senders.callback_signer.key_set()  # the public key, read once per container
        calls.clear()
        started = time.perf_counter()
        for event in events:
            handle_message(event, ports, now=datetime.now(UTC))
        return time.perf_counter() - started, calls


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    console = Console(width=140)
    table = Table("endpoint", "events", "seconds", "events / s", "AWS calls per event")
    with provisioned_emulator():
        for label, status in (("answers 204", 204), ("answers 503 (retry queued)", 503)):
            with receiver(status) as (url, received):
                elapsed, calls = _run(url, _events(args.events, f"s{status}"))
            per_event = ", ".join(f"{name.split(':')[1]} {count / args.events:g}"
                                  for name, count in sorted(calls.items()))
            table.add_row(label, str(args.events), f"{elapsed:.1f}", f"{args.events / elapsed:.0f}", per_event)
            assert len(received) == args.events + 1, (len(received), args.events)  # + the challenge
    console.print(table)


if __name__ == "__main__":
    main()
