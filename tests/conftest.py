"""Shared fixtures: an in-process moto account provisioned from template.yaml with the demo data."""

from __future__ import annotations

import json
from collections.abc import Iterator
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


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """Template parameter overrides; a test module redefines this fixture to change them."""
    return {}


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, stack_parameters: dict[str, str]) -> Iterator[Stack]:
    """Every resource of template.yaml, created in moto by the local stack's provisioner, with the
    handlers run for real when Step Functions or EventBridge invoke them."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.registry_import import import_registry
    from ebox.wiring import reset_services, services
    from ebox_local import moto_bridges
    from ebox_local.provisioning import provision_template
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(TEMPLATE, stack_parameters)
        for name, value in provisioned.environment.items():
            monkeypatch.setenv(name, value)
        moto_bridges.install(provisioned)
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
        )
        moto_bridges.uninstall()
        reset_services()
        reset_clients()


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
