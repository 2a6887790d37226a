"""Qualified registered mail: the recipient accepts or refuses within a window, as eIDAS qualified
electronic registered delivery requires; each step leaves signed evidence (see evidence.py).

States of a message: awaiting_acceptance → answered → accepted | refused; awaiting_acceptance →
expired (no answer in time) or failed (the workflow could not notify)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from ebox.domain.errors import AcceptanceClosed, AnsweredMeanwhile, DeliveryUnderWay
from ebox.domain.evidence import EvidenceEvent, SignedEvidence, sign_events
from ebox.domain.message import Message
from ebox.domain.ports import EvidenceSigner, MessageIndex

AWAITING = "awaiting_acceptance"
ANSWERED = "answered"
ANSWERS = ("accepted", "refused")
OUTCOME_EVENTS = {
    "accepted": (EvidenceEvent.ACCEPTANCE_BY_RECIPIENT, None),
    "refused": (EvidenceEvent.REJECTION_BY_RECIPIENT, ["refused by the recipient"]),
    "expired": (EvidenceEvent.ACCEPTANCE_REJECTION_EXPIRY, ["no answer within the acceptance window"]),
    "failed": (EvidenceEvent.NOTIFICATION_FOR_ACCEPTANCE_FAILURE, ["the recipient could not be notified"]),
}
OUTCOME_DETAIL_TYPES = {"accepted": "RegisteredMessageAccepted", "refused": "RegisteredMessageRefused",
                        "expired": "RegisteredMessageExpired", "failed": "RegisteredMessageFailed"}


@dataclass(frozen=True)
class Delivery:
    """Where a qualified delivery stands, read consistently from the message's item."""

    state: str | None
    task_token: str | None = None
    answer: str | None = None
    """``accepted`` or ``refused`` once the recipient answered (kept until the outcome is recorded)."""
    execution: str | None = None
    """The workflow execution that waits for the answer (a second execution of the same message stops)."""


class DeliveryStates(Protocol):
    def move(self, enterprise_number: str, message_id: str, *, expected: str, new: str,  # noqa: PLR0913
             evidence: list[SignedEvidence], task_token: str | None = None, revealed: Message | None = None,
             answer: str | None = None, execution: str | None = None) -> bool:
        """``revealed``: the message in its new state, whose searchable text and action keys the index takes
        (the full content once accepted; still the sealed text once refused or expired). ``execution``: the
        move holds only if no other execution waits for this message (and it becomes the one that does)."""
        ...

    def current(self, enterprise_number: str, message_id: str) -> Delivery: ...


class Workflow(Protocol):
    def answer(self, task_token: str, *, accept: bool) -> None:
        """Resumes the waiting workflow; raises AcceptanceClosed when it no longer waits."""
        ...


def _has(index: MessageIndex, message_id: str, event: EvidenceEvent) -> bool:
    return any(record.event is event for record in index.evidence(message_id))


def await_acceptance(message: Message, task_token: str, *, now: str, index: MessageIndex,
                     states: DeliveryStates, signer: EvidenceSigner, execution: str | None = None) -> None:
    """Keeps the workflow's task token and records the NotificationForAcceptance, once. Run again (Step
    Functions retries the task with a new token), it keeps the new token. If the recipient answered while no
    live token was kept (the previous attempt died), AnsweredMeanwhile: the workflow records that answer; a
    second execution for the same message (its start event delivered twice) is ended by DeliveryUnderWay."""
    event = EvidenceEvent.NOTIFICATION_FOR_ACCEPTANCE
    evidence = [] if _has(index, message.message_id, event) else sign_events(
        [(event, None)], message=message, head=index.evidence_head(message.message_id), event_time=now,
        signer=signer)
    if states.move(message.recipient, message.message_id, expected=AWAITING, new=AWAITING, evidence=evidence,
                   task_token=task_token, execution=execution):
        return
    delivery = states.current(message.recipient, message.message_id)
    if execution is not None and delivery.execution not in (None, execution):
        raise DeliveryUnderWay(f"message {message.message_id} is delivered by another execution")
    if delivery.state == ANSWERED and delivery.answer in ANSWERS:
        raise AnsweredMeanwhile(f"message {message.message_id} was {delivery.answer} meanwhile")
    raise DeliveryUnderWay(f"message {message.message_id} awaits no answer (it is {delivery.state})")


def answer(message: Message, *, accept: bool, states: DeliveryStates, workflow: Workflow) -> None:
    """The recipient's answer; only the first, and only while the window is open, counts. The same answer
    again (a client retrying after a lost answer) is taken again: the workflow is told once more."""
    if message.registered_mail_type != "qualified":
        raise AcceptanceClosed(f"message {message.message_id} is not qualified registered mail")
    given = "accepted" if accept else "refused"
    delivery = states.current(message.recipient, message.message_id)
    if delivery.state == ANSWERED and delivery.answer == given:
        _tell(workflow, delivery.task_token, accept=accept)
        return
    if delivery.state != AWAITING or delivery.task_token is None:
        raise AcceptanceClosed(f"message {message.message_id} awaits no answer (it is {delivery.state})")
    if not states.move(message.recipient, message.message_id, expected=AWAITING, new=ANSWERED, evidence=[],
                       task_token=delivery.task_token, answer=given):
        raise AcceptanceClosed(f"message {message.message_id} was answered already")
    _tell(workflow, delivery.task_token, accept=accept)


def _tell(workflow: Workflow, task_token: str | None, *, accept: bool) -> None:
    """Gives a recorded answer to the workflow. A workflow that no longer waits on this token took it
    already, or its next step finds the answer recorded (the expiry and failure steps record it instead)."""
    if task_token is None:
        return
    try:
        workflow.answer(task_token, accept=accept)
    except AcceptanceClosed:
        return


def conclude(message: Message, outcome: str, *, now: str, index: MessageIndex, states: DeliveryStates,
             signer: EvidenceSigner) -> str | None:
    """Records the outcome's evidence and state, once. Answers the outcome the sender is to be told (again,
    when a retried step finds it recorded: the sender's callbacks are keyed by message and outcome), or None
    when the delivery ended otherwise. An expiry or failure that finds the recipient's answer recorded
    records that answer: it was given in time, the workflow was just not told (so does ``answered``, the
    outcome of an AnsweredMeanwhile)."""
    delivery = states.current(message.recipient, message.message_id)
    if outcome not in ANSWERS and delivery.state == ANSWERED and delivery.answer in ANSWERS:
        outcome = str(delivery.answer)
    if outcome not in OUTCOME_EVENTS:  # "answered" (AnsweredMeanwhile) with no answer recorded
        return None
    if delivery.state == outcome:
        return outcome
    if delivery.state in OUTCOME_EVENTS:
        return None
    expected = ANSWERED if outcome in ANSWERS else (delivery.state or AWAITING)
    if delivery.state != expected:
        return None
    event, reasons = OUTCOME_EVENTS[outcome]
    evidence = sign_events([(event, reasons)], message=message, head=index.evidence_head(message.message_id),
                           event_time=now, signer=signer)
    if states.move(message.recipient, message.message_id, expected=expected, new=outcome, evidence=evidence,
                   revealed=replace(message, delivery_state=outcome)):
        return outcome
    return outcome if states.current(message.recipient, message.message_id).state == outcome else None
