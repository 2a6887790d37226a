"""Fault injection on qualified mail (moto tier): for each AWS call of the qualified delivery's steps, each
fault of tests.faults, then what production does: Step Functions retries a task as the state machine's
``Retry`` says (a ``waitForTaskToken`` task with a new token) and follows its ``Catch``; the recipient's
client answers again on a 5xx or no answer. The recipient accepts, refuses or lets the window pass; what
they and the sender notice must be one outcome, its evidence once, a chain that verifies, the content
withheld until acceptance (and after refusal or expiry), the sender told.

The state machine is walked in this process (tests.qualified_walk): its tasks run the real handlers, so
that every AWS call they make is counted and can fail. docs/reliability.md holds the table these cases
produce."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.apigw import publication
from tests.conftest import ROOT, on_localstack
from tests.faults import FAULTS, Call, Fault, InjectedCrash, Injector
from tests.integration import test_fault_injection as publication_cases
from tests.integration.test_fault_injection import PublicationPath, Run, _cold_start, _keys, _recipient_token
from tests.qualified_walk import Case, Tokens, Walk, injected_with_workflow

pytestmark = pytest.mark.skipif(on_localstack(), reason="faults are injected into the in-process moto clients")

DOC = ROOT / "docs" / "reliability.md"
REGENERATE = "EBOX_WRITE_RELIABILITY"
BEGIN, END = "<!-- qualified table -->", "<!-- /qualified table -->"
ATTEMPTS = 4
"""The recipient's client: tries per answer (the first, the one the fault spoils, room for one more)."""
RECIPIENT = "0852093431"
EBOX = "/messageRegistry/v2/ebox"
SCENARIOS = ("accept", "refuse", "expire")
EXPECTED = {"accept": ("accepted", "AcceptanceByRecipient", "RegisteredMessageAccepted"),
            "refuse": ("refused", "RejectionByRecipient", "RegisteredMessageRefused"),
            "expire": ("expired", "AcceptanceRejectionExpiry", "RegisteredMessageExpired")}
OUTCOME_EVENTS = {"AcceptanceByRecipient", "RejectionByRecipient", "AcceptanceRejectionExpiry",
                  "NotificationForAcceptanceFailure"}
_rows: dict[tuple[str, Call, str], str] = {}
faulty = publication_cases.faulty
setting = publication_cases.setting
tsa_certificate = publication_cases.tsa_certificate
"""The publication cases' fixtures: one stack for the module, its stream records held for the test."""


class QualifiedPath:
    def __init__(self, setting: Any, faulty: Any, functions: dict[str, Any], injector: Injector) -> None:
        self.stack, self.api, self.token, self.handlers, _ = setting
        self.faulty, self.functions, self.injector = faulty, functions, injector

    def run(self, scenario: str, *, cold: bool = False) -> Case:
        case = Case(scenario)
        case.message_id = self._publish(case)
        if cold:
            _cold_start()
        tokens = Tokens()
        event = {"detail": {"messageId": case.message_id, "recipient": {"eboxIdValue": RECIPIENT}}}
        with injected_with_workflow(self.injector, tokens, case):
            case.end = Walk(case, self.functions, self.injector, tokens, self._answer_for(tokens)).run(event)
        self.faulty.clear()  # the state moves' stream records: nothing of the workflow reads them
        return case

    def _publish(self, case: Case) -> str:
        """A qualified message, published and through its first steps (no fault here: see the other module)."""
        path = PublicationPath(self.stack, self.api, self.token, self.handlers, Injector())
        self.faulty.clear()
        path.streamed = self.faulty
        answer = self.api.publish(self.token, publication(
            registeredMailType="qualified", subject={"fr": case.marker, "nl": case.marker},
            bodyContent={"fr": f"secret {case.marker}-body", "nl": f"geheim {case.marker}-body"}))
        assert answer.status == 201, answer.body
        done = Run()  # the publication's own steps, as PublicationPath drives them
        path._outbox(done)  # noqa: SLF001
        path._queue(done, "notify", self.stack.notification_queue)  # noqa: SLF001
        path._outbox(done)  # noqa: SLF001
        path._queue(done, "evidence", self.stack.evidence_queue)  # noqa: SLF001
        path._outbox(done)  # noqa: SLF001
        assert not done.problems, done.problems
        return str(answer.json()["messageId"])

    def _answer_for(self, tokens: Tokens) -> Callable[[Case], None]:
        def answer(case: Case) -> None:
            withheld = self._withheld(case)
            if withheld:
                case.problems.append(f"content visible while awaiting the answer: {withheld}")
            if case.scenario == "expire":
                return
            body = b'{"accept": true}' if case.scenario == "accept" else b'{"accept": false}'
            recipient = _recipient_token(self.api)
            for _ in range(ATTEMPTS):
                with self.injector.step("answer"):
                    try:
                        status = self.api.call(
                            "POST", f"/messageRegistry/v3/ebox/messages/{case.message_id}/acceptance",
                            headers={"Authorization": f"Bearer {recipient}", "Content-Type": "application/json"},
                            body=body).status
                    except InjectedCrash:
                        status = 0  # no answer: the client tries again
                        _cold_start()
                    except Exception:  # noqa: BLE001 - no answer either
                        status = 0
                case.answers.append(status)
                if status < 500 and status != 0:
                    return
                case.retries["answer"] = case.retries.get("answer", 0) + 1

        return answer

    def _withheld(self, case: Case) -> list[str]:
        """What of the content the recipient could see: nothing while the message awaits an answer."""
        recipient = _recipient_token(self.api)
        seen = []
        message = self.api.get(recipient, f"{EBOX}/messages/{case.message_id}")
        if "-body" in message.body.decode() or message.json().get("contentWithheld") is not True:
            seen.append("the message")
        if self.api.get(recipient, f"{EBOX}/messages/{case.message_id}/body").status != 403:
            seen.append("its body")
        found = self.api.get(recipient, f"{EBOX}/messages", {"q": f"{case.marker}-body"}).json()
        if any(i["messageId"] == case.message_id for i in found.get("items", [])):
            seen.append("a search of its body")
        return seen


@pytest.fixture(scope="module")
def functions(setting: Any) -> dict[str, Any]:
    from ebox_local.functions import load_handler

    return {"${AwaitAcceptanceFunctionArn}": load_handler(ROOT / "functions" / "await_acceptance", "app.handler"),
            "${ConcludeDeliveryFunctionArn}": load_handler(ROOT / "functions" / "conclude_delivery", "app.handler")}


@pytest.fixture(scope="module")
def no_started_executions(setting: Any) -> Iterator[None]:
    """The bus's rule that starts the real state machine, off for the module: the walk is the execution."""
    stack = setting[0]
    events = stack.services.client("events")
    bus = stack.services.config.event_bus
    rules = [r["Name"] for r in events.list_rules(EventBusName=bus)["Rules"]
             if any(":stateMachine:" in t["Arn"] and "Qualified" in t["Arn"]
                    for t in events.list_targets_by_rule(Rule=r["Name"], EventBusName=bus)["Targets"])]
    assert rules, "the rule starting the qualified delivery was not found"
    for rule in rules:
        events.disable_rule(Name=rule, EventBusName=bus)
    try:
        yield
    finally:
        for rule in rules:
            events.enable_rule(Name=rule, EventBusName=bus)


@dataclass(frozen=True)
class Calls:
    by_scenario: dict[str, list[Call]]
    cold_only: set[Call]


@pytest.fixture(scope="module")
def calls(setting: Any, faulty: Any, functions: Any, no_started_executions: Any) -> Calls:
    made: dict[str, list[Call]] = {}
    warm: set[Call] = set()
    for scenario in SCENARIOS:
        for cold in (True, False):
            injector = Injector()
            case = QualifiedPath(setting, faulty, functions, injector).run(scenario, cold=cold)
            assert _outcome(setting, case) == [], f"a clean {scenario} must conclude once: {case}"
            assert not case.retries, case
            if cold:
                made[scenario] = injector.calls
            else:
                warm |= set(injector.calls)
    every = {c for calls in made.values() for c in calls}
    return Calls(made, every - warm)


def _outcome(setting: Any, case: Case) -> list[str]:
    """What the recipient and the sender would notice is wrong: none means one outcome, its evidence once,
    the chain verifying, the content shown once accepted only, the sender told."""
    from ebox_cli.evidence_check import verify_records

    _, api, sender, _, _ = setting
    state, event, detail_type = EXPECTED[case.scenario]
    problems = list(case.problems)
    recipient = _recipient_token(api)
    if case.end != {"accepted": "Delivered", "refused": "Refused", "expired": "Expired"}[state]:
        problems.append(f"the execution ended in {case.end}")
    if case.scenario != "expire" and (not case.answers or case.answers[-1] != 202):
        problems.append(f"the recipient's client got {case.answers}")
    message = api.get(recipient, f"{EBOX}/messages/{case.message_id}").json()
    if message.get("deliveryState") != state:
        problems.append(f"delivery state {message.get('deliveryState')}")
    body_status = api.get(recipient, f"{EBOX}/messages/{case.message_id}/body").status
    if (body_status == 200) != (state == "accepted"):
        problems.append(f"the body answers {body_status} once {state}")
    answer = api.get(sender, f"/messageRegistry/v3/ebox/messages/{case.message_id}/evidences").json()
    events = [i["event"] for i in answer["items"]]
    if events.count("NotificationForAcceptance") != 1:
        problems.append(f"NotificationForAcceptance {events.count('NotificationForAcceptance')}×")
    outcomes = [e for e in events if e in OUTCOME_EVENTS]
    if outcomes != [event]:
        problems.append(f"outcome evidence {outcomes}")
    records = [i["jws"] for i in answer["items"]]
    verdict = verify_records(records, _keys(api), [], head=answer["head"])
    if not verdict.ok:
        verdict = verify_records(records, _keys(api, fresh=True), [], head=answer["head"])
    if not verdict.ok:
        problems.append(f"evidence chain broken: {verdict.problems}")
    if set(case.told) != {detail_type}:
        problems.append(f"the sender was told {case.told}")
    return problems


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("kind", FAULTS)
def test_every_call_of_the_qualified_steps_survives_the_fault(scenario, kind, setting, faulty, functions, calls):
    failures = []
    for call in calls.by_scenario[scenario]:
        injector = Injector(fault=Fault(call, kind))
        case = QualifiedPath(setting, faulty, functions, injector).run(scenario, cold=call in calls.cold_only)
        problems = _outcome(setting, case)
        _rows[(scenario, call, kind)] = _describe(case, injector, problems)
        if problems:
            failures.append(f"{scenario}: {call} × {kind}: {problems}")
    assert not failures, "\n".join(failures)


def _describe(case: Case, injector: Injector, problems: list[str]) -> str:
    if not injector.fired:
        return "not reached"
    if problems:
        return "FAILS: " + "; ".join(problems)
    again = ", ".join(f"{step} ×{n}" for step, n in case.retries.items()) or "nothing"
    told = f"; sender told ×{len(case.told)}" if len(case.told) > 1 else ""
    return f"ok ({case.end}){told}; again: {again}"


def test_a_second_execution_for_the_same_message_ends_at_once(setting, faulty, functions, no_started_executions):
    """The outbox may put MessagePublished twice (its PutEvents' answer lost): two executions start."""
    path = QualifiedPath(setting, faulty, functions, Injector())
    case = Case("accept")
    case.message_id = path._publish(case)  # noqa: SLF001
    event = {"detail": {"messageId": case.message_id, "recipient": {"eboxIdValue": RECIPIENT}}}
    first, second = Tokens(), Tokens()
    later = Case("accept", message_id=case.message_id)

    def second_start_then_answer(c: Case) -> None:
        """While the first execution waits, the second starts; then the recipient accepts."""
        later.end = Walk(later, functions, path.injector, second, lambda _: None).run(event)
        path._answer_for(first)(c)  # noqa: SLF001

    with injected_with_workflow(path.injector, first, case):
        case.end = Walk(case, functions, path.injector, first, second_start_then_answer).run(event)
    assert later.end == "AlreadyUnderWay"
    assert _outcome(setting, case) == []


def test_an_answer_the_workflow_never_heard_is_recorded_when_the_window_closes(setting, faulty, functions,
                                                                                no_started_executions):
    """The recipient accepted; Step Functions refused the answer (throttled) and the client gave up: the
    window's end records the acceptance, not an expiry (the answer was given in time)."""
    path = QualifiedPath(setting, faulty, functions, Injector())
    case = Case("accept")
    case.message_id = path._publish(case)  # noqa: SLF001
    tokens = Tokens()
    recipient = _recipient_token(path.api)

    def answer_once_unheard(c: Case) -> None:
        original = tokens.send
        tokens.send = lambda operation, params: (_ for _ in ()).throw(ClientError(  # type: ignore[method-assign]
            {"Error": {"Code": "ThrottlingException"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation))
        status = path.api.call("POST", f"/messageRegistry/v3/ebox/messages/{c.message_id}/acceptance",
                               headers={"Authorization": f"Bearer {recipient}", "Content-Type": "application/json"},
                               body=b'{"accept": true}').status
        tokens.send = original  # type: ignore[method-assign]
        assert status == 503  # and the client gives up
        c.answers.append(202)  # what it would have got: the answer is recorded

    event = {"detail": {"messageId": case.message_id, "recipient": {"eboxIdValue": RECIPIENT}}}
    with injected_with_workflow(path.injector, tokens, case):
        case.end = Walk(case, functions, path.injector, tokens, answer_once_unheard).run(event)
    assert case.end == "Delivered"  # the window passed: its expiry step found and recorded the acceptance
    assert _outcome(setting, case) == []


def test_docs_reliability_holds_the_qualified_table(calls):
    if len(_rows) != sum(len(c) for c in calls.by_scenario.values()) * len(FAULTS):
        pytest.skip("only part of the matrix ran")
    text = render(calls)
    if os.environ.get(REGENERATE):
        DOC.write_text(text)
    assert DOC.read_text() == text, f"docs/reliability.md is stale: rerun with {REGENERATE}=1 (docs/testing.md)"


def render(calls: Calls) -> str:
    lines = ["| outcome · call | " + " | ".join(FAULTS) + " |", "|---" * (len(FAULTS) + 1) + "|"]
    for scenario in SCENARIOS:
        lines += [f"| {scenario} · {call} | " + " | ".join(_rows[(scenario, call, kind)] for kind in FAULTS) + " |"
                  for call in calls.by_scenario[scenario]]
    text = DOC.read_text()
    head, rest = text.split(BEGIN)
    return head + BEGIN + "\n\n" + "\n".join(lines) + "\n\n" + END + rest.split(END)[1]
