"""Qualified registered mail: the recipient accepts or refuses within a window, as eIDAS qualified
electronic registered delivery requires; each step leaves signed evidence (see evidence.py).

States of a message: awaiting_acceptance → answered → accepted | refused; awaiting_acceptance →
expired (no answer in time) or failed (the workflow could not notify)."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from ebox.domain.errors import AcceptanceClosed
from ebox.domain.evidence import EvidenceEvent, SignedEvidence, sign_events
from ebox.domain.message import Message
from ebox.domain.ports import EvidenceSigner, MessageIndex

AWAITING = "awaiting_acceptance"
ANSWERED = "answered"
OUTCOME_EVENTS = {
    "accepted": (EvidenceEvent.ACCEPTANCE_BY_RECIPIENT, None),
    "refused": (EvidenceEvent.REJECTION_BY_RECIPIENT, ["refused by the recipient"]),
    "expired": (EvidenceEvent.ACCEPTANCE_REJECTION_EXPIRY, ["no answer within the acceptance window"]),
    "failed": (EvidenceEvent.NOTIFICATION_FOR_ACCEPTANCE_FAILURE, ["the recipient could not be notified"]),
}
OUTCOME_DETAIL_TYPES = {"accepted": "RegisteredMessageAccepted", "refused": "RegisteredMessageRefused",
                        "expired": "RegisteredMessageExpired", "failed": "RegisteredMessageFailed"}


class DeliveryStates(Protocol):
    def move(self, enterprise_number: str, message_id: str, *, expected: str, new: str,
             evidence: list[SignedEvidence], task_token: str | None = None, revealed: Message | None = None) -> bool:
        """``revealed``: the message in its new state, whose searchable text and action keys the index takes
        (the full content once accepted; still the sealed text once refused or expired)."""
        ...

    def task_token(self, enterprise_number: str, message_id: str) -> str | None: ...


class Workflow(Protocol):
    def answer(self, task_token: str, *, accept: bool) -> None:
        """Resumes the waiting workflow; raises AcceptanceClosed when it no longer waits."""
        ...


def _has(index: MessageIndex, message_id: str, event: EvidenceEvent) -> bool:
    return any(record.event is event for record in index.evidence(message_id))


def await_acceptance(message: Message, task_token: str, *, now: str, index: MessageIndex,
                     states: DeliveryStates, signer: EvidenceSigner) -> None:
    """Keeps the workflow's task token and records the NotificationForAcceptance, once."""
    event = EvidenceEvent.NOTIFICATION_FOR_ACCEPTANCE
    evidence = [] if _has(index, message.message_id, event) else sign_events(
        [(event, None)], message=message, head=index.evidence_head(message.message_id), event_time=now,
        signer=signer)
    states.move(message.recipient, message.message_id, expected=AWAITING, new=AWAITING, evidence=evidence,
                task_token=task_token)


def answer(message: Message, *, accept: bool, states: DeliveryStates, workflow: Workflow) -> None:
    """The recipient's answer; only the first, and only while the window is open, counts."""
    if message.registered_mail_type != "qualified":
        raise AcceptanceClosed(f"message {message.message_id} is not qualified registered mail")
    token = states.task_token(message.recipient, message.message_id)
    if message.delivery_state != AWAITING or token is None:
        raise AcceptanceClosed(f"message {message.message_id} awaits no answer (it is {message.delivery_state})")
    if not states.move(message.recipient, message.message_id, expected=AWAITING, new=ANSWERED, evidence=[],
                       task_token=token):
        raise AcceptanceClosed(f"message {message.message_id} was answered already")
    workflow.answer(token, accept=accept)


def conclude(message: Message, outcome: str, *, now: str, index: MessageIndex, states: DeliveryStates,
             signer: EvidenceSigner) -> bool:
    """Records the outcome's evidence and state, once; False when it was recorded before."""
    event, reasons = OUTCOME_EVENTS[outcome]
    if _has(index, message.message_id, event):
        return False
    evidence = sign_events([(event, reasons)], message=message, head=index.evidence_head(message.message_id),
                           event_time=now, signer=signer)
    expected = ANSWERED if outcome in ("accepted", "refused") else (message.delivery_state or AWAITING)
    return states.move(message.recipient, message.message_id, expected=expected, new=outcome, evidence=evidence,
                       revealed=replace(message, delivery_state=outcome))
