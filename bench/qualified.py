"""Qualified registered mail: Step Functions transitions billed per message (from the execution
history) and evidence records per message, for each level of mail and each outcome."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.apigw import ApiCaller, publication

TRANSITION_EVENTS = ("StateEntered",)


def _wait(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def _transitions(sfn: Any, message_id: str) -> int:
    """State transitions of the execution that handled ``message_id`` (Standard workflows bill these)."""
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if "QualifiedDelivery" in m["name"])
    for execution in sfn.list_executions(stateMachineArn=machine)["executions"]:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        if message_id in described.get("input", "") and described["status"] != "RUNNING":
            events = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
            return sum(1 for e in events if e["type"].endswith(TRANSITION_EVENTS))
    raise RuntimeError(f"no finished execution for {message_id}")


def run(count: int = 3) -> list[tuple[str, float, float]]:
    """(case, transitions per message, evidence records per message)."""
    from ebox.wiring import services

    from app import handler

    api = ApiCaller(handler)
    sender = api.token("demo-sender", "demo-sender-secret")
    clerk = api.token("ent-0852093431", "demo-secret")
    svc = services()
    sfn = svc.client("stepfunctions")

    def events(message_id: str) -> list[str]:
        return [r.event.value for r in svc.index.evidence(message_id)]

    def read(message_id: str) -> None:
        message = api.get(clerk, f"/messageRegistry/v2/ebox/messages/{message_id}").json()
        if not message["attachments"]["items"]:  # a loaded machine missed the short acceptance window
            return
        api.get(clerk, message["attachments"]["items"][0]["contentHref"])

    rows = []
    for case, overrides in (("simple, read", {}), ("registered, read", {"isRegisteredMail": True})):
        ids = [api.publish(sender, publication(**overrides)).json()["messageId"] for _ in range(count)]
        for message_id in ids:
            read(message_id)
        rows.append((case, 0.0, sum(len(events(i)) for i in ids) / count))
    for case, accept in (("qualified, accepted then read", True), ("qualified, no answer (expiry)", None)):
        ids = [api.publish(sender, publication(registeredMailType="qualified")).json()["messageId"]
               for _ in range(count)]
        for message_id in ids:
            _wait(lambda m=message_id: "NotificationForAcceptance" in events(m))
            if accept:
                api.call("POST", f"/messageRegistry/v3/ebox/messages/{message_id}/acceptance",
                         headers={"Authorization": f"Bearer {clerk}"}, body=json.dumps({"accept": True}).encode())
                _wait(lambda m=message_id: "AcceptanceByRecipient" in events(m))
                read(message_id)
            else:
                _wait(lambda m=message_id: "AcceptanceRejectionExpiry" in events(m))
        time.sleep(0.5)
        transitions = sum(_transitions(sfn, i) for i in ids) / count
        rows.append((case, transitions, sum(len(events(i)) for i in ids) / count))
    return rows
