"""The local stack: moto as a server, provisioned from template.yaml, running the real handlers,
seeded with the demo data, and the API served as API Gateway would serve it."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

import requests
from moto.server import ThreadedMotoServer

from ebox_local import moto_bridges
from ebox_local.http_gateway import Gateway, serve
from ebox_local.mail import captured_mail
from ebox_local.pollers import SqsPoller
from ebox_local.provisioning import Provisioned, provision_template

logger = logging.getLogger("ebox_local")
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class LocalStack:
    """Start with ``with LocalStack(template) as stack:``; ``stack.api_url`` is then ready."""

    def __init__(self, template: Path, *, port: int = 8000, moto_port: int = 0, host: str = "127.0.0.1",
                 demo_data: Path | None = None, seed: bool = True) -> None:
        self.template = template.resolve()
        self.host = host
        self.port = port or free_port(host)
        self.moto_port = moto_port or free_port(host)
        self.demo_data = demo_data or self.template.parent / "infra" / "demo" / "demo-data.json"
        self.seed = seed
        self.environment: dict[str, str] = {}
        self.provisioned: Provisioned | None = None
        self._ready = threading.Event()
        self._moto: ThreadedMotoServer | None = None
        self._pollers: list[SqsPoller] = []
        self._server: Any = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def aws_endpoint_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self._moto.start()
        requests.post(f"{self.aws_endpoint_url}/moto-api/config", json=MOTO_CONFIG, timeout=10).raise_for_status()
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
        os.environ.update({
            **{k: os.environ.get(k, v) for k, v in LOCAL_CREDENTIALS.items()},
            "AWS_ENDPOINT_URL": self.aws_endpoint_url, "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
            "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
            # Step Functions' Lambda tasks call back into this server: moto finds it through MOTO_PORT.
            "MOTO_PORT": str(self.moto_port),
        })
        from ebox.adapters.aws_clients import reset_clients
        from ebox.wiring import reset_services, services

        reset_clients()
        reset_services()
        self.provisioned = provision_template(self.template)
        self.environment = dict(self.provisioned.environment)
        os.environ.update(self.environment)
        reset_services()
        moto_bridges.install(self.provisioned)
        if self.seed:
            self._seed(services().registry)
        sqs = services().client("sqs")
        for mapping in self.provisioned.sqs_mappings:
            poller = SqsPoller(mapping, self.provisioned.functions[mapping.function], sqs, region)
            poller.start()
            self._pollers.append(poller)
        api = next(f for f in self.provisioned.functions.values() if f.code_dir == self.template.parent
                   and f.handler.startswith("app."))
        self._server, _ = serve(Gateway(api, is_ready=self._ready.is_set, mail=captured_mail), self.host, self.port)
        self._ready.set()
        logger.info("ready: API on %s, AWS emulation on %s", self.api_url, self.aws_endpoint_url)

    def _seed(self, registry: Any) -> None:
        from ebox.registry_import import import_registry

        counts = import_registry(json.loads(self.demo_data.read_text()), registry)
        logger.info("demo data: %s", ", ".join(f"{n} {kind}" for kind, n in counts.items()))

    def stop(self) -> None:
        self._ready.clear()
        for poller in self._pollers:
            poller.stop()
        for poller in self._pollers:
            poller.join(timeout=5)
        self._pollers.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        moto_bridges.uninstall()
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        logger.info("stopped")
