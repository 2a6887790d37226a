"""Shared fixtures: an in-process moto account provisioned from template.yaml with the demo data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def _one_botocore_data_loader() -> None:
    """Every botocore session of the test process reads AWS's model files (endpoints.json, each service's
    model) through one loader, which keeps them parsed. Each stack test rebuilds the services (a new boto3
    session, a new pynamodb connection and its session), and each new session parsed those files again:
    ~0.2 s per test, minutes over the suite. A Lambda builds its sessions once per cold start, so this
    changes nothing the tests check."""
    import functools

    import botocore.session

    botocore.session.create_loader = functools.cache(botocore.session.create_loader)  # type: ignore[attr-defined]


_one_botocore_data_loader()
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
    provisioned: Any = None
    """What the provisioner made (ebox_local.model.Provisioned): physical ids by logical id."""
    settle: Callable[[], None] = lambda: None
    """World.settle: what the test wrote has been through the outbox."""


def on_localstack() -> bool:
    """`make test-localstack` runs these suites against LocalStack (see ebox_local.localstack_target)."""
    from ebox_local.localstack_target import TARGET, TARGET_VARIABLE

    return os.environ.get(TARGET_VARIABLE) == TARGET


@contextmanager
def stream_held() -> Iterator[None]:
    """On moto: the messages table's stream records are not delivered inline meanwhile (the test delivers
    what it wants to the stream's consumers itself)."""
    from ebox_local import moto_bridges, moto_dynamodb

    moto_dynamodb.set_stream_listener(lambda table, records: None)
    try:
        yield
    finally:
        moto_dynamodb.set_stream_listener(moto_bridges._stream_records)  # noqa: SLF001 - put back as it was


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test has an id of its own. Schemathesis 4.32 builds one test per API operation, but under
    pytest 9.2 they all had the test function's bare id: pytest-xdist, which hands tests to its workers by
    id, then ran one of the 70 and reported the others as nothing at all. Each gets its operation's label,
    as pytest names a parametrized test (`test_x[GET /health]`); any id still shared stops the run."""
    from collections import Counter

    for item in items:
        label = getattr(item, "operation_label", None)  # schemathesis's item of one API operation
        node_id = getattr(item, "_id", None)
        if label and node_id is not None and node_id.params is None:
            item._id = node_id.with_params(label)
    shared = [node_id for node_id, count in Counter(item.nodeid for item in items).items() if count > 1]
    if shared:
        raise pytest.UsageError(f"tests sharing an id (a parallel run would run only one of each): {shared[:5]}")


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`make test` runs the tests on every core (pytest-xdist, `--dist loadfile`): each test file on one
    worker, which provisions its own moto world for it. The end-to-end tests (tests/e2e, browser tests
    too) are one unit: they share the session's `ebox-local` process, started once, on the worker that
    runs them all."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class EndToEndTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/e2e" if nodeid.startswith("tests/e2e/") else super()._split_scope(nodeid)

    return EndToEndTogether(config, log)


@pytest.fixture(scope="module")
def stack_parameters() -> dict[str, str]:
    """Template parameter overrides; a test module redefines this (module-scoped) fixture to change them."""
    return {}


@dataclass
class World:
    """The template provisioned, and what each test of the stack starts from."""

    provisioned: Any
    environment: dict[str, str | None]
    """The process environment its tests run in (None: unset)."""
    sent_mail: Callable[[], list[dict[str, Any]]]
    forget_mail: Callable[[], None]
    baseline: Any = None
    settle: Callable[[], None] = lambda: None
    """Waits until what the test wrote has been through the outbox (LocalStack's stream pollers read the
    messages table a moment later; the tests' moto delivers it within each write)."""


@pytest.fixture(scope="session")
def localstack_worlds() -> Iterator[dict[tuple[tuple[str, str], ...], World]]:
    """Under `make test-localstack`, one stack per parameter set for the whole session: LocalStack keeps
    every resource it is given until it stops, so provisioning once keeps its memory bounded."""
    with ExitStack() as exits:
        yield _WorldCache(exits)


class _WorldCache(dict[tuple[tuple[str, str], ...], World]):
    def __init__(self, exits: ExitStack) -> None:
        super().__init__()
        self.exits = exits

    def __missing__(self, key: tuple[tuple[str, str], ...]) -> World:
        self[key] = self.exits.enter_context(_provisioned_world(dict(key)))
        return self[key]


@pytest.fixture(scope="module")
def world(stack_parameters: dict[str, str], request: pytest.FixtureRequest) -> Iterator[World]:
    """Every resource of template.yaml, created by the local stack's provisioner in moto (in this
    process, once per test module) or, under `make test-localstack`, in LocalStack (once per session),
    with the handlers run for real when Step Functions or EventBridge invoke them, and the demo data."""
    if on_localstack():
        found = request.getfixturevalue("localstack_worlds")[tuple(sorted(stack_parameters.items()))]
        with _applied(found.environment):
            yield found
        return
    with _provisioned_world(stack_parameters) as made, _applied(made.environment):
        yield made


@pytest.fixture
def stack(world: World) -> Iterator[Stack]:
    """The stack as a fresh one: its data put back to what it was after provisioning before each test,
    what the test started stopped and what it created removed after it (tests.world)."""
    from ebox.wiring import reset_services, services

    from tests.world import begin, finish

    reset_services()
    svc = services()
    before = begin(svc.client, world.baseline, world.forget_mail)
    provisioned = world.provisioned
    yield Stack(
        environment=provisioned.environment,
        services=svc,
        s3=svc.client("s3"),
        sqs=svc.client("sqs"),
        content_bucket=svc.config.content_bucket,
        import_bucket=svc.config.import_bucket,
        notification_queue=provisioned.queue_url("NotificationQueue"),
        evidence_queue=provisioned.queue_url("EvidenceQueue"),
        sent_mail=world.sent_mail,
        provisioned=provisioned,
        settle=world.settle,
    )
    world.settle()  # the test's announcements are out before its work is stopped and the next test's purge
    finish(svc.client, world.baseline, before)
    reset_services()


@contextmanager
def _applied(environment: dict[str, str | None]) -> Iterator[None]:
    """The process environment set (and the cached clients and services forgotten) for the block."""
    from ebox.adapters.aws_clients import reset_clients
    from ebox.wiring import reset_services

    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in environment.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        reset_clients()
        reset_services()
        try:
            yield
        finally:
            reset_services()
            reset_clients()


@contextmanager
def _provisioned_world(parameters: dict[str, str]) -> Iterator[World]:
    from ebox.registry_import import import_registry
    from ebox.wiring import services

    from tests.world import take_baseline

    emulator = _localstack if on_localstack() else _moto
    with emulator(parameters) as made:
        with _applied(made.environment):
            svc = services()
            import_registry(json.loads(DEMO_DATA.read_text()), svc.registry, secret_iterations=1000)
            made.baseline = take_baseline(svc.client, made.provisioned)
        yield made


@contextmanager
def _moto(parameters: dict[str, str]) -> Iterator[World]:
    from ebox_local import moto_bridges
    from ebox_local.mail import captured_mail, forget_captured_mail
    from ebox_local.provisioning import provision_template
    from moto import mock_aws

    base: dict[str, str | None] = {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": None,
        # The stack's queues are emptied before each test: AWS allows one PurgeQueue a minute, LocalStack any.
        "MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR": "false"}
    with _applied(base), mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(TEMPLATE, parameters)
        moto_bridges.install(provisioned, inline_streams=True)  # the outbox runs within each write
        try:
            yield World(provisioned, {**base, **provisioned.environment}, lambda: captured_mail("eu-west-1"),
                        lambda: forget_captured_mail("eu-west-1"))
        finally:
            moto_bridges.uninstall()


@contextmanager
def _localstack(parameters: dict[str, str]) -> Iterator[World]:
    """LocalStack keeps its state: each stack gets names of its own (Stage, prefix)."""
    from ebox_local.invocations import InvocationServer
    from ebox_local.mail import forget_localstack_mail, localstack_mail
    from ebox_local.provisioning import provision_template
    from ebox_local.stack import unique_run_name
    from ebox_local.stream_pollers import start_stream_pollers

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    run = unique_run_name()
    server = InvocationServer()
    try:
        provisioned = provision_template(TEMPLATE, {"Stage": run, **parameters}, prefix=run,
                                         invocation_url=server.url_for)
        server.provisioned = provisioned
        # The outbox (the messages table's stream) read from DynamoDB Local, as Lambda would, a moment later.
        pollers = start_stream_pollers(provisioned, "eu-west-1",
                                       endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or endpoint)
        yield World(provisioned, dict(provisioned.environment), lambda: localstack_mail(endpoint, "eu-west-1"),
                    lambda: forget_localstack_mail(endpoint), settle=lambda: _caught_up(pollers))
    finally:
        for poller in locals().get("pollers", []):
            poller.stop()
        server.close()


def _caught_up(pollers: list[Any]) -> None:
    """Each poller has read its stream to the end since now (a read that found nothing new)."""
    from tests.world import SETTLE_SECONDS

    for poller in pollers:
        poller.caught_up.clear()
    for poller in pollers:
        if not poller.caught_up.wait(SETTLE_SECONDS):
            raise RuntimeError(f"{poller.name} did not catch up with its stream in {SETTLE_SECONDS} s")


@pytest.fixture
def api(stack: Stack) -> Any:
    from app import handler
    from tests.apigw import ApiCaller

    return ApiCaller(handler, settle=stack.settle)


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
            for step in ("notify", "record_evidence", "archive_evidence")}
