"""Shared fixtures: an in-process moto account provisioned from template.yaml with the demo data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
DEMO_DATA = ROOT / "infra" / "demo" / "demo-data.json"
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


@dataclass
class Stack:
    environment: dict[str, str]
    services: Any
    s3: Any
    sqs: Any
    content_bucket: str
    import_bucket: str
    notification_queue: str
    evidence_queue: str
    sent_mail: Callable[[], list[dict[str, Any]]]
    """The e-mails SES sent during this test, newest first (ebox_local.mail's shape)."""


def on_localstack() -> bool:
    """`make test-localstack` runs these suites against LocalStack (see ebox_local.localstack_target)."""
    from ebox_local.localstack_target import TARGET, TARGET_VARIABLE

    return os.environ.get(TARGET_VARIABLE) == TARGET


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """Template parameter overrides; a test module redefines this fixture to change them."""
    return {}


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, stack_parameters: dict[str, str]) -> Iterator[Stack]:
    """Every resource of template.yaml, created by the local stack's provisioner in moto (in this process)
    or, under `make test-localstack`, in LocalStack, with the handlers run for real when Step Functions
    or EventBridge invoke them."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.registry_import import import_registry
    from ebox.wiring import reset_services, services

    emulator = _localstack if on_localstack() else _moto
    with emulator(monkeypatch, stack_parameters) as (provisioned, sent_mail):
        for name, value in provisioned.environment.items():
            monkeypatch.setenv(name, value)
        reset_clients()
        reset_services()
        svc = services()
        import_registry(json.loads(DEMO_DATA.read_text()), svc.registry, secret_iterations=1000)
        yield Stack(
            environment=provisioned.environment,
            services=svc,
            s3=svc.client("s3"),
            sqs=svc.client("sqs"),
            content_bucket=svc.config.content_bucket,
            import_bucket=svc.config.import_bucket,
            notification_queue=provisioned.queue_url("NotificationQueue"),
            evidence_queue=provisioned.queue_url("EvidenceQueue"),
            sent_mail=sent_mail,
        )
        reset_services()
        reset_clients()


@contextmanager
def _moto(monkeypatch: pytest.MonkeyPatch, parameters: dict[str, str]) -> Iterator[tuple[Any, Any]]:
    from ebox_local import moto_bridges
    from ebox_local.mail import captured_mail
    from ebox_local.provisioning import provision_template
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(TEMPLATE, parameters)
        moto_bridges.install(provisioned, inline_streams=True)  # the outbox runs within each write
        try:
            yield provisioned, lambda: captured_mail("eu-west-1")
        finally:
            moto_bridges.uninstall()


@contextmanager
def _localstack(monkeypatch: pytest.MonkeyPatch, parameters: dict[str, str]) -> Iterator[tuple[Any, Any]]:
    """LocalStack keeps its state: each test gets resources under names of its own, and its mail box emptied."""
    from ebox_local.invocations import InvocationServer
    from ebox_local.mail import forget_localstack_mail, localstack_mail
    from ebox_local.provisioning import provision_template
    from ebox_local.stack import unique_run_name
    from ebox_local.stream_pollers import start_stream_pollers

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    run = unique_run_name()
    forget_localstack_mail(endpoint)
    server = InvocationServer()
    try:
        provisioned = provision_template(TEMPLATE, {"Stage": run, **parameters}, prefix=run,
                                         invocation_url=server.url_for)
        server.provisioned = provisioned
        # The outbox (the messages table's stream) read from DynamoDB Local, as Lambda would, a moment later.
        pollers = start_stream_pollers(provisioned, "eu-west-1",
                                       endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or endpoint)
        yield provisioned, lambda: localstack_mail(endpoint, "eu-west-1")
    finally:
        for poller in locals().get("pollers", []):
            poller.stop()
        server.close()


@pytest.fixture
def api(stack: Stack) -> Any:
    from app import handler
    from tests.apigw import ApiCaller

    return ApiCaller(handler)


@pytest.fixture
def sender_token(api: Any) -> str:
    return str(api.token("demo-sender", "demo-sender-secret"))


@pytest.fixture
def enterprise_token(api: Any) -> str:
    return str(api.token("ent-0852093431", "demo-secret"))


@pytest.fixture
def handlers(stack: Stack) -> dict[str, Any]:
    """The step Lambdas' handlers, loaded from functions/<step>/app.py as Lambda loads them."""
    from ebox_local.functions import load_handler

    return {step: load_handler(ROOT / "functions" / step, "app.handler")
            for step in ("notify", "record_evidence")}
