"""Fault injection (moto tier): for each AWS call a publication's path makes, each fault of tests.faults,
then the retries and redeliveries production would run: the message is published once, mailed once,
its evidence chain holds. docs/reliability.md is the table these cases produce (see docs/testing.md).

The path, one publication per case, its steps driven as their triggers drive them:
- ``publish``: the API function; the client retries with the same Idempotency-Key on a 5xx or no answer;
- ``outbox`` / ``archive``: the messages table's stream → publish_outbox / archive_evidence; a failed batch
  is delivered again;
- ``notify`` / ``evidence``: the notification and evidence queues → notify / record_evidence (the audit
  trail); a record that failed (reported, or its invocation died) is received again."""

from __future__ import annotations

import functools
import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.apigw import publication
from tests.conftest import ROOT, on_localstack
from tests.events import sqs_event
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector, injected

pytestmark = pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")

DOC = ROOT / "docs" / "reliability.md"
REGENERATE = "EBOX_WRITE_RELIABILITY"
STREAM_STEPS = {"PublishOutboxFunction": "outbox", "ArchiveEvidenceFunction": "archive"}
"""The consumers of the messages table's stream, by the step name the matrix gives their calls."""
REDELIVERED = {"ArchiveEvidenceFunction": "archive again"}
"""Consumers whose batch is delivered a second time after it succeeded (Lambda's at-least-once delivery, e.g.
after an answer lost): the archive's read-back path (the object there, its token there) is in the matrix."""
ATTEMPTS = 4
"""Tries per step: the first, the one the fault spoils, and room for one more (a bug loops no further)."""
_rows: dict[tuple[Call, str], str] = {}
AT_MOST_ONCE = {(Call("notify", "dynamodb:PutItem", 1), "crash"): ["0 e-mails"]}
"""The one window left open, by choice: a function that dies between its claim and SES's answer leaves
the claim, and the e-mail is not sent again (SES takes no idempotency key; sending it again would mail
twice whenever SES had taken it). The message itself is published, listed and chained."""


@dataclass
class Run:
    """What one publication through the path came to."""

    marker: str = field(default_factory=lambda: f"fault-case-{uuid.uuid4()}")
    """In the message's subject: a second publication of the same request would show it twice."""
    message_id: str | None = None
    documents_before: int = 0
    """The publications the statistics counted before the run: the run adds one."""
    retries: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class PublicationPath:
    """Drives one publication through its steps, as the triggers would, with ``injector`` counting calls."""

    def __init__(self, stack: Any, api: Any, token: str, handlers: dict[str, Any], injector: Injector) -> None:
        self.stack, self.api, self.token, self.handlers, self.injector = stack, api, token, handlers, injector
        self.streamed: list[tuple[str, list[dict[str, Any]], str | None]] = []

    def run(self, *, cold: bool = False) -> Run:
        """``cold``: as the first invocations of fresh functions (no cached key, token or client)."""
        run = Run()
        if cold:
            _cold_start()
        for url in (self.stack.notification_queue, self.stack.evidence_queue):
            self.stack.sqs.purge_queue(QueueUrl=url)
        body = publication(subject={"fr": run.marker, "nl": run.marker})
        run.documents_before = _documents(self.stack)
        key = str(uuid.uuid4())
        run.message_id = self._retried(run, "publish", lambda: self._publish(key, body))
        self._outbox(run)
        self._queue(run, "notify", self.stack.notification_queue)
        self._outbox(run)
        self._queue(run, "evidence", self.stack.evidence_queue)
        self._outbox(run)
        return run

    def _retried(self, run: Run, step: str, attempt: Any) -> Any:
        for tried in range(ATTEMPTS):
            with self.injector.step(step):
                try:
                    return attempt()
                except (InjectedCrash, Exception) as failure:  # noqa: BLE001 - any failure is retried
                    run.retries[step] = tried + 1
                    last = failure
                    if isinstance(failure, InjectedCrash):
                        _cold_start()
        run.problems.append(f"{step} never succeeded: {last!r}")
        return None

    def _publish(self, key: str, body: bytes) -> str:
        answer = self.api.publish(self.token, body, idempotency_key=key)
        if answer.status not in {201, 409}:
            raise RuntimeError(f"answered {answer.status}: {answer.body[:200]!r}")
        return str(answer.json()["messageId"])

    def _outbox(self, run: Run) -> None:
        """Each write's stream records, delivered to the outbox until a delivery succeeds (Lambda retries a
        stream batch); what the outbox itself writes is delivered in turn."""
        from ebox_local.stream_pollers import deliver_inline

        provisioned = self.stack.provisioned
        while self.streamed:
            table, records, shard = self.streamed.pop(0)
            for mapping in provisioned.stream_mappings:
                if mapping.table_name == table:
                    function = provisioned.functions[mapping.function]
                    steps = [STREAM_STEPS[mapping.function], *filter(None, [REDELIVERED.get(mapping.function)])]
                    for step in steps:
                        self._retried(run, step, lambda m=mapping, f=function, r=records, s=shard:
                                      deliver_inline(m, f, r, "eu-west-1", shard_id=s))

    def _queue(self, run: Run, step: str, url: str) -> None:
        """Every message on the queue handled; a record that failed is received again."""
        messages = self.stack.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        pending = messages
        for tried in range(ATTEMPTS):
            if not pending:
                return
            with self.injector.step(step):
                try:
                    answer = self.handlers[step](sqs_event(pending), None)
                except InjectedCrash:
                    run.retries[step] = tried + 1
                    _cold_start()
                    continue
                except Exception:  # noqa: BLE001 - the whole batch comes back
                    run.retries[step] = tried + 1
                    continue
            failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
            if failed:
                run.retries[step] = tried + 1
            pending = [m for m in pending if m["MessageId"] in failed]
        if pending:
            run.problems.append(f"{step}: {len(pending)} record(s) never succeeded")


def _cold_start() -> None:
    """What a fresh function holds no more: its services (cached keys, tokens, tables bound). The boto3
    clients are kept: they hold no state of the path, and building them again costs seconds here."""
    from ebox.wiring import reset_services

    reset_services()


@pytest.fixture(scope="module")
def faulty(world: Any) -> Any:
    """The path's steps with the moto stream's records held for the test to deliver (inline delivery
    would run the outbox inside the publication's own write)."""
    from ebox_local import moto_bridges, moto_dynamodb

    held: list[tuple[str, list[dict[str, Any]], str | None]] = []
    moto_dynamodb.set_stream_listener(
        lambda table, records: held.append((table.name, records, moto_bridges.stream_shard_id(table))))
    try:
        yield held
    finally:
        moto_dynamodb.set_stream_listener(moto_bridges._stream_records)  # noqa: SLF001 - put back as it was


class _TsaHandler(BaseHTTPRequestHandler):
    tsa: Any

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        reply = self.tsa.respond(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture(scope="module")
def tsa_certificate() -> Any:
    """A time-stamping authority for the module (the local TSA over HTTP): the archive's tokens are on the path."""
    from ebox_local.tsa import LocalTsa

    tsa = LocalTsa()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_TsaHandler,), {"tsa": tsa}))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    before = os.environ.get("EBOX_TSA_URL")
    os.environ["EBOX_TSA_URL"] = f"http://127.0.0.1:{httpd.server_address[1]}/tsa"
    try:
        yield tsa.certificate_pem()
    finally:
        if before is None:
            os.environ.pop("EBOX_TSA_URL", None)
        else:
            os.environ["EBOX_TSA_URL"] = before
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def setting(world: Any, faulty: Any, tsa_certificate: Any) -> Any:
    """One stack for the module (each case publishes its own message, so that none resets it)."""
    from ebox.wiring import reset_services, services
    from ebox_local.functions import load_handler

    from app import handler
    from tests.apigw import ApiCaller
    from tests.world import begin, finish

    reset_services()
    svc = services()
    before = begin(svc.client, world.baseline, world.forget_mail)
    api = ApiCaller(handler)
    handlers = {"notify": load_handler(ROOT / "functions" / "notify", "app.handler"),
                "evidence": load_handler(ROOT / "functions" / "record_evidence", "app.handler")}
    stack = _Stack(svc, world)
    try:
        yield stack, api, api.token("demo-sender", "demo-sender-secret"), handlers, tsa_certificate
    finally:
        finish(svc.client, world.baseline, before)
        reset_services()


@dataclass
class _Stack:
    services: Any
    world: Any

    @property
    def sqs(self) -> Any:
        return self.services.client("sqs")

    @property
    def provisioned(self) -> Any:
        return self.world.provisioned

    @property
    def notification_queue(self) -> str:
        return str(self.provisioned.queue_url("NotificationQueue"))

    @property
    def evidence_queue(self) -> str:
        return str(self.provisioned.queue_url("EvidenceQueue"))


def _path(setting: Any, faulty: Any, injector: Injector) -> PublicationPath:
    stack, api, token, handlers, _ = setting
    path = PublicationPath(stack, api, token, handlers, injector)
    faulty.clear()
    path.streamed = faulty
    return path


@dataclass(frozen=True)
class Calls:
    """The AWS calls clean runs of the path make, in order: the matrix follows the code."""

    all: list[Call]
    """A cold run's (fresh functions: what a crash leaves), in order."""
    cold_only: set[Call]
    """Those a warm run does not make (keys, tokens, clients cached): their cases start cold."""


@pytest.fixture(scope="module")
def calls(setting: Any, faulty: Any) -> Calls:
    made = []
    for cold in (True, False):
        injector = Injector()
        with injected(injector):
            run = _path(setting, faulty, injector).run(cold=cold)
        assert not run.problems and not run.retries, run
        assert _outcome(setting, run) == [], "a clean run must publish, mail and chain once"
        made.append(injector.calls)
    return Calls(made[0], set(made[0]) - set(made[1]))


def _outcome(setting: Any, run: Run) -> list[str]:
    """What a user would notice is wrong with the run's message: none means once, mailed once, chain holds."""
    from ebox_cli.evidence_check import verify_records

    stack, api, token, _, tsa_certificate = setting
    problems = list(run.problems)
    if run.message_id is None:
        return [*problems, "no message id was ever answered"]
    mid = run.message_id
    inbox = _inbox(api)
    if (listed := sum(i["messageId"] == mid for i in inbox)) != 1:
        problems.append(f"inbox lists it {listed}×")
    if (same := sum(run.marker in json.dumps(i) for i in inbox)) != 1:
        problems.append(f"published {same}×")
    mails = [m for m in stack.world.sent_mail() if mid in m["body"]]
    if len(mails) != 1:
        problems.append(f"{len(mails)} e-mails")
    answer = api.get(token, f"/messageRegistry/v3/ebox/messages/{mid}/evidences").json()
    records, archives = [i["jws"] for i in answer["items"]], [i.get("archive") for i in answer["items"]]
    verdict = verify_records(records, _keys(api), [], head=answer["head"], archives=archives,
                             tsa_certificate=tsa_certificate)
    if not verdict.ok:  # a function started cold signs with a key of its own: the published keys again
        verdict = verify_records(records, _keys(api, fresh=True), [], head=answer["head"], archives=archives,
                                 tsa_certificate=tsa_certificate)
    if not verdict.ok:
        problems.append(f"evidence chain or archive broken: {verdict.problems} {verdict.rows}")
    pages = stack.services.client("s3").get_paginator("list_object_versions").paginate(
        Bucket=stack.services.config.evidence_bucket, Prefix="evidence/")
    archived = [v["Key"] for page in pages for v in page.get("Versions", []) if mid in v["Key"]]
    if len(archived) != len(set(archived)) or not all(a and a.get("timeStampToken") for a in archives):
        problems.append(f"evidence archived {sorted(archived)}, records {len(answer['items'])}, "
                        f"{sum(map(bool, archives))} of them archived")
    trail = [e["event"] for e in stack.services.audit.events(mid)]
    if trail.count("MessagePublished") != 1:
        problems.append(f"audit trail has MessagePublished {trail.count('MessagePublished')}×")
    if (counted := _documents(stack) - run.documents_before) != 1:
        problems.append(f"the statistics count it {counted}×")
    return problems


def _documents(stack: Any) -> int:
    """Every publication the statistics counted (the operator's documents per year, summed)."""
    return sum(c.counts.get("published", 0) for c in stack.services.statistics.counters("YEAR#"))


def _inbox(api: Any) -> list[dict[str, Any]]:
    """The newest messages of the recipient's e-Box: the case's own and any duplicate of it are among them."""
    answer = api.get(_recipient_token(api), "/messageRegistry/v2/ebox/messages", {"pageSize": "5"}).json()
    return list(answer.get("items", []))


_published_keys: dict[str, Any] = {}


def _keys(api: Any, *, fresh: bool = False) -> Any:
    """The service's published evidence keys (GET /evidence/keys), read again only when asked."""
    if fresh or "jwks" not in _published_keys:
        _published_keys["jwks"] = api.call("GET", "/evidence/keys").json()
    return _published_keys["jwks"]


@functools.cache
def _recipient_token(api: Any) -> str:
    return str(api.token("ent-0852093431", "demo-secret"))


@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_survives_the_fault(kind, setting, faulty, calls):
    failures = []
    for call in calls.all:
        injector = Injector(fault=Fault(call, kind))
        with injected(injector):
            run = _path(setting, faulty, injector).run(cold=call in calls.cold_only)
        problems = _outcome(setting, run)
        _rows[(call, kind)] = _describe(run, injector, problems, AT_MOST_ONCE.get((call, kind)))
        if problems and problems != AT_MOST_ONCE.get((call, kind)):
            failures.append(f"{call} × {kind}: {problems}")
    assert not failures, "\n".join(failures)


def _describe(run: Run, injector: Injector, problems: list[str], accepted: list[str] | None) -> str:
    if not injector.fired:
        return "not reached"
    again = ", ".join(f"{step} ×{n}" for step, n in run.retries.items()) or "nothing"
    if problems and problems == accepted:
        return f"ok but **no e-mail** (at most once); again: {again}"
    if problems:
        return "FAILS: " + "; ".join(problems)
    return f"ok; again: {again}"


def test_docs_reliability_is_the_table_the_cases_produce(calls):
    if len(_rows) != len(calls.all) * len(FAULTS):
        pytest.skip("only part of the matrix ran")
    text = render(calls.all)
    if os.environ.get(REGENERATE):
        DOC.write_text(text)
    assert DOC.read_text() == text, f"docs/reliability.md is stale: rerun with {REGENERATE}=1 (docs/testing.md)"


def render(calls: list[Call]) -> str:
    lines = [f"| {call} | " + " | ".join(_rows[(call, kind)] for kind in FAULTS) + " |" for call in calls]
    return DOC.read_text().split("<!-- table -->")[0] + "<!-- table -->\n\n" + "\n".join([
        "| call | " + " | ".join(FAULTS) + " |", "|---" * (len(FAULTS) + 1) + "|", *lines]) + "\n"

