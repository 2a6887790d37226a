"""The local stack: moto as a server in this process, provisioned from template.yaml, running the real
handlers (Step Functions tasks, EventBridge targets, SQS pollers), seeded with demo data, and the API
served as API Gateway would serve it.

    with LocalStack(Path("template.yaml"), port=0, moto_port=0) as stack:
        requests.get(f"{stack.api_url}/health")

moto keeps its state per process, so one stack runs in a process at a time; it may be started and
stopped again any number of times (each start resets moto and imports the handlers afresh).

`aws_endpoint="http://..."` uses an emulator already running in another process (LocalStack, see
ebox_local.localstack_target) instead of moto: it is provisioned under names of its own (it keeps its
state), its Lambda invocations come back to this process through an `InvocationServer`, and its own
services do what the moto bridges do for moto (EventBridge targets, S3 notifications)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import boto3
import requests
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ebox_local import moto_bridges, moto_instances, moto_spool, moto_sqs, process_memory
from ebox_local.errors import PortUnavailable, StackAlreadyRunning
from ebox_local.functions import forget_handlers
from ebox_local.gateway import Gateway
from ebox_local.invocations import InvocationServer
from ebox_local.mail import captured_mail, install_capture, localstack_mail
from ebox_local.model import Provisioned
from ebox_local.provisioning import provision_template
from ebox_local.seed import seed_demo_data
from ebox_local.sqs_pollers import SqsPoller
from ebox_local.stream_pollers import StreamPoller, start_stream_pollers
from ebox_local.template import ACCOUNT_ID, load_template
from ebox_local.tsa import LocalTsa
from ebox_local.usage import UsagePlans
from ebox_local.web_assets import web_app

logger = logging.getLogger("ebox_local")
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
DROPPED_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
POLL_INTERVAL = 0.1  # seconds a server takes to notice it is asked to stop
Seeder = Callable[[Mapping[str, str]], None]


class LocalStack:
    """`start()` (or `with`) returns once everything is ready; `api_url` and `aws_endpoint_url` then
    hold the actual ports (0 asks for free ones). `stop()` undoes everything, environment included."""

    _running: ClassVar[LocalStack | None] = None
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, template: Path | str, *, port: int = 8000, moto_port: int = 0, host: str = "127.0.0.1",
                 parameters: Mapping[str, str] | None = None, seed: Seeder | None = seed_demo_data,
                 region: str | None = None, poll_wait_seconds: int = 1, aws_endpoint: str | None = None) -> None:
        self.template = Path(template).resolve()
        self.host, self.port, self.moto_port = host, port, moto_port
        self._requested_ports = (port, moto_port)  # what a restart asks for again (0: a free port each time)
        self.parameters = dict(parameters or {})
        self.region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
        self.provisioned: Provisioned | None = None
        self._seed = seed
        self._poll_wait_seconds = poll_wait_seconds
        self._gateway: Gateway | None = None
        self._http: BaseWSGIServer | None = None
        self._moto: _MotoServer | None = None
        self._moto_config: dict[str, Any] | None = None
        self._external = aws_endpoint.rstrip("/") if aws_endpoint else None
        self._invocations: InvocationServer | None = None
        self._pollers: list[SqsPoller] = []
        self._stream_pollers: list[StreamPoller] = []
        self._saved_environment: dict[str, str | None] = {}

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def stream_pollers(self) -> tuple[StreamPoller, ...]:
        """The running readers of the tables' streams (the outbox's among them)."""
        return tuple(self._stream_pollers)

    @property
    def aws_endpoint_url(self) -> str:
        return self._external or f"http://{self.host}:{self.moto_port}"

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> LocalStack:
        with LocalStack._guard:
            if LocalStack._running is not None:
                raise StackAlreadyRunning("a local stack already runs in this process: stop it first")
            LocalStack._running = self
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        process_memory.install()  # before the stack's threads and sessions are made
        self.port, self.moto_port = self._requested_ports
        self._gateway = Gateway(status=self.status, mail=self.mail, tsa=LocalTsa())
        self._http = _serve(self._gateway, self.host, self.port)  # answers 503 until ready
        self.port = self._http.server_port
        oidc, web_files = web_app(self.template.parent / "web" / "dist", self.api_url)
        self._gateway.serve_web_app(oidc, web_files)
        # Evidence is time-stamped by the local TSA unless the caller names another one.
        # (into a copy: a restart on another free port must not keep the previous port's URL)
        parameters = dict(self.parameters)
        if "TsaUrl" in (load_template(self.template).get("Parameters") or {}):
            parameters.setdefault("TsaUrl", f"{self.api_url}/local/tsa")
        if "WebAppUrl" in (load_template(self.template).get("Parameters") or {}):
            parameters.setdefault("WebAppUrl", self.api_url)  # the e-mails link to the web app it serves
        if self._external is None:
            self._start_moto()
        web_files.allow_connect(self.aws_endpoint_url)  # the bulk page PUTs archives to pre-signed S3 URLs
        self._set_environment({
            "AWS_ENDPOINT_URL": self.aws_endpoint_url,
            # moto's default account; LocalStack takes a 12-digit access key as the account id.
            "AWS_ACCESS_KEY_ID": ACCOUNT_ID if self._external else "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region,
            "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required", "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
            # Step Functions' Lambda tasks call back into the server: moto finds it through MOTO_PORT.
            "MOTO_PORT": str(self.moto_port),
            **dict.fromkeys(DROPPED_VARIABLES),
        })
        reset_process_caches()
        if self._external is None:
            provisioned = provision_template(self.template, parameters, region=self.region)
        else:
            provisioned = self._provision_external(parameters)
        self.provisioned = provisioned
        self._set_environment(provisioned.environment)
        reset_process_caches()
        if self._external is None:
            moto_bridges.install(provisioned)
            install_capture(self.region)
        if self._seed is not None:
            self._seed(dict(provisioned.environment))
        sqs = boto3.session.Session(region_name=self.region).client("sqs", endpoint_url=self.aws_endpoint_url)
        for mapping in provisioned.sqs_mappings:
            for _ in range(mapping.concurrency):  # ScalingConfig.MaximumConcurrency: parallel workers
                poller = SqsPoller(mapping, provisioned.functions[mapping.function], sqs, self.region,
                                   wait_seconds=self._poll_wait_seconds)
                poller.start()
                self._pollers.append(poller)
        self._stream_pollers = start_stream_pollers(
            provisioned, self.region, endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or self.aws_endpoint_url)
        apigateway = boto3.session.Session(region_name=self.region).client("apigateway",
                                                                           endpoint_url=self.aws_endpoint_url)
        self._gateway.open(provisioned.api_routes, provisioned.functions, provisioned.binary_media_types,
                           provisioned.schedules, apis=provisioned.apis, usage=UsagePlans(lambda: apigateway),
                           region=self.region)
        logger.info("ready: API on %s, AWS emulation on %s (%d functions, %d SQS pollers, %d resources skipped)",
                    self.api_url, self.aws_endpoint_url, len(provisioned.functions), len(self._pollers),
                    len(provisioned.skipped))

    def _start_moto(self) -> None:
        self._moto = _MotoServer(self.host, self.moto_port)
        self.moto_port = self._moto.port
        self._moto_config = requests.get(f"{self.aws_endpoint_url}/moto-api/config", timeout=10).json()
        requests.post(f"{self.aws_endpoint_url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(f"{self.aws_endpoint_url}/moto-api/config", json=MOTO_CONFIG, timeout=10).raise_for_status()
        # memory that grows with what is stored, not with every request: idle items and stream records on
        # disk, no reference kept to each model object moto ever made; SQS calls that do not slow down
        # with a queue's backlog
        moto_instances.install()
        moto_spool.install()
        moto_sqs.install()

    def _provision_external(self, parameters: dict[str, str]) -> Provisioned:
        """An emulator that keeps its state between runs: names of this run's own, invocations sent here."""
        run = unique_run_name()
        if "Stage" in (load_template(self.template).get("Parameters") or {}):
            parameters.setdefault("Stage", run)
        self._invocations = InvocationServer(self.host)
        provisioned = provision_template(self.template, parameters, region=self.region, prefix=run,
                                         invocation_url=self._invocations.url_for)
        self._invocations.provisioned = provisioned
        return provisioned

    def stop(self) -> None:
        if self._gateway is not None:
            self._gateway.close()
        for poller in self._pollers:
            poller.stop()  # each finishes its current long poll meanwhile
        for stream_poller in self._stream_pollers:
            stream_poller.stop()
        moto_bridges.uninstall()
        moto_stopped = self._moto is not None
        if self._moto is not None:
            self._stop_moto(self._moto)
            self._moto = None
        if self._invocations is not None:
            self._invocations.close()
            self._invocations = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        for poller in self._pollers:
            poller.join(timeout=10)
        self._pollers.clear()
        for stream_poller in self._stream_pollers:
            stream_poller.join(timeout=10)
        self._stream_pollers.clear()
        if moto_stopped:  # once no poller's handler may still be in a request to moto
            moto_sqs.uninstall()
            moto_spool.uninstall()
            moto_instances.uninstall()
        self._restore_environment()
        reset_process_caches()
        process_memory.uninstall()
        with LocalStack._guard:
            if LocalStack._running is self:
                LocalStack._running = None
                logger.info("stopped")

    def _stop_moto(self, moto: _MotoServer) -> None:
        try:  # leave moto as found: no state, its former configuration
            requests.post(f"{self.aws_endpoint_url}/moto-api/reset", timeout=10)
            if self._moto_config is not None:
                requests.post(f"{self.aws_endpoint_url}/moto-api/config", json=self._moto_config, timeout=10)
        except requests.RequestException:
            logger.warning("could not reset the AWS emulation before stopping it", exc_info=True)
        moto.stop()

    def status(self) -> dict[str, Any]:
        """What `GET /health` answers."""
        ready = self._gateway is not None and self._gateway.is_open
        provisioned = self.provisioned if ready else None
        return {
            "status": "ok" if ready else "starting",
            "api": self.api_url, "awsEndpoint": self.aws_endpoint_url, "region": self.region,
            "functions": sorted(provisioned.functions) if provisioned else [],
            "sqsPollers": [p.mapping.function for p in self._pollers if p.is_alive()],
            "streamPollers": [p.mapping.function for p in self._stream_pollers if p.is_alive()],
            "notEmulated": [r.logical_id for r in provisioned.skipped] if provisioned else [],
            # Physical names of what the template named (an emulator that keeps its state holds others too).
            "resources": {r.logical_id: r.physical_id for r in provisioned.resources.values() if r.emulated}
            if provisioned else {},
        }

    def mail(self) -> list[dict[str, Any]]:
        """The e-mails sent through SES so far, newest first (`GET /local/mail`)."""
        if self._external is not None:
            return localstack_mail(self._external, self.region) if self.provisioned is not None else []
        return captured_mail(self.region) if self._moto is not None else []

    def _set_environment(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            self._saved_environment.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environment(self) -> None:
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()


def unique_run_name() -> str:
    """A short lowercase name (bucket names allow no more) unique to one provisioning."""
    return f"ebox-{uuid.uuid4().hex[:10]}"


def reset_process_caches() -> None:
    """Forget what a previous start cached in this process: imported handlers, and the e-Box
    package's clients and services (built from the environment, which a start changes)."""
    forget_handlers()
    try:
        from ebox.adapters.aws_clients import reset_clients
        from ebox.wiring import reset_services
    except ImportError:  # the runtime serves any template; the e-Box package may not be there
        return
    reset_clients()
    reset_services()


class _QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The gateway logs each API call itself, in one line."""


class _QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Each AWS call is not worth a line; the invocations they cause are logged."""


def _check_port(what: str, host: str, port: int) -> None:
    """werkzeug answers a busy port with sys.exit(1) (in moto's thread: a wait forever): check first."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortUnavailable(f"{what} cannot listen on {host}:{port}: {error.strerror or error}") from error


def _serve(app: Gateway, host: str, port: int) -> BaseWSGIServer:
    _check_port("the API", host, port)
    try:
        server = make_server(host, port, app, threaded=True, request_handler=_QuietRequestHandler)
    except (OSError, SystemExit) as error:
        raise PortUnavailable(f"the API cannot listen on {host}:{port}") from error
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL}, name="api-gateway",
                     daemon=True).start()
    return server


class _MotoServer(ThreadedMotoServer):
    """ThreadedMotoServer that reports a port it cannot bind (the original waits forever) and closes
    its socket when stopped (the original leaves it open)."""

    def __init__(self, host: str, port: int) -> None:
        _check_port("the AWS emulation", host, port)
        super().__init__(ip_address=host, port=port, verbose=False)
        self._error: BaseException | None = None
        self.start()
        if self._error is not None:
            raise PortUnavailable(f"the AWS emulation cannot listen on {host}:{port}") from self._error
        self.port = int(self.get_host_and_port()[1])

    def _server_entry(self) -> None:
        """ThreadedMotoServer._server_entry, with a quiet request handler and a quicker shutdown."""
        try:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(self._ip_address, self._port, app, threaded=True,
                                       request_handler=_QuietMotoRequestHandler)
        except (OSError, SystemExit) as error:
            self._error = error
            return
        finally:
            self._server_ready_event.set()
        self._server.serve_forever(poll_interval=POLL_INTERVAL)

    def stop(self) -> None:
        if self._server is not None:
            super().stop()
            self._server.server_close()
