"""A moto server in this process, provisioned from template.yaml with the demo data (as `make run`)."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STREAM_POLLERS: list[Any] = []  # the running stream pollers of the provisioned emulator
PROVISIONED: list[Any] = []  # the provisioned template (functions, SQS mappings) while it runs


def wait_for_outbox(timeout: float = 120.0) -> int:
    """Waits until every stream poller has read all there is; returns their invocations so far."""
    deadline = time.monotonic() + timeout
    for poller in STREAM_POLLERS:
        poller.caught_up.clear()
    for poller in STREAM_POLLERS:
        poller.caught_up.wait(max(0.0, deadline - time.monotonic()))
    return sum(p.invocations for p in STREAM_POLLERS)


def messages_held(sqs: Any, queue_urls: list[str]) -> int:
    """The messages the queues hold, visible or in flight."""
    busy = 0
    for url in queue_urls:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        busy += sum(int(v) for v in attributes.values())
    return busy


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def provisioned_emulator() -> Iterator[dict[str, str]]:
    """Yields the environment of the provisioned functions; AWS_ENDPOINT_URL points at the server.
    The acceptance window of qualified mail is 2 s, so that the expiry path can be measured."""
    import requests
    from ebox.adapters.aws_clients import reset_clients
    from ebox.registry_import import import_registry
    from ebox.wiring import reset_services, services
    from ebox_local import moto_bridges
    from ebox_local.provisioning import provision_template
    from ebox_local.stream_pollers import start_stream_pollers
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    requests.post(f"{endpoint}/moto-api/config",
                  json={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}, timeout=5)
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="eu-west-1", AWS_REGION="eu-west-1",
                      AWS_REQUEST_CHECKSUM_CALCULATION="when_required", MOTO_PORT=str(port))
    try:
        provisioned = provision_template(ROOT / "template.yaml", {"AcceptanceWindowSeconds": "2"})
        os.environ.update(provisioned.environment)
        moto_bridges.install(provisioned)  # Step Functions' Lambda tasks run the real handlers
        reset_clients()
        reset_services()
        import_registry(json.loads((ROOT / "infra/demo/demo-data.json").read_text()), services().registry,
                        secret_iterations=1000)
        # The outbox, read from the table's stream by a poller thread (as Lambda would, asynchronously).
        STREAM_POLLERS[:] = start_stream_pollers(provisioned, "eu-west-1", endpoint_url=endpoint)
        PROVISIONED[:] = [provisioned]
        yield dict(provisioned.environment, AWS_ENDPOINT_URL=endpoint)
    finally:
        for poller in STREAM_POLLERS:
            poller.stop()
        STREAM_POLLERS.clear()
        PROVISIONED.clear()
        moto_bridges.uninstall()
        server.stop()
