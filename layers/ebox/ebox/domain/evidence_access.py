"""Who may read a message's evidence: its sender organisation (for a reply, the replying enterprise's own
client) and its recipient, nobody else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ebox.domain.access import MESSAGES_FULL, PUBLISH, Principal
from ebox.domain.encoding import b64url_decode
from ebox.domain.errors import NotFound
from ebox.domain.evidence import EvidenceEvent, SignedEvidence
from ebox.domain.evidence_batches import ArchiveProof
from ebox.domain.message import REPLY_APPLICATION_ID
from ebox.domain.recipients import ebox_id_of


def unverified_claims(jws: str) -> dict[str, Any]:
    """The payload of one of our own stored records (its signature is checked by whoever relies on it)."""
    payload = jws.split(".")[1]
    return dict(json.loads(b64url_decode(payload)))


def sent_by(principal: Principal, records: list[SignedEvidence]) -> bool:
    """Whether ``principal`` publishes for the message's sender (a clerk of the institution, say)."""
    return bool(records) and PUBLISH in principal.scopes and (
        unverified_claims(records[0].jws)["sender"]["enterpriseNumber"] == principal.enterprise_number)


def content_sealed(records: list[SignedEvidence]) -> bool:
    """Qualified mail its recipient has not accepted: the records name and hash its documents (and, signed,
    cannot be trimmed), so the recipient sees which events happened and when, not the records themselves."""
    if not records or unverified_claims(records[0].jws).get("registeredMailType") != "qualified":
        return False
    return not any(record.event is EvidenceEvent.ACCEPTANCE_BY_RECIPIENT for record in records)


def recipient_evidence_views(records: list[SignedEvidence]) -> list[dict[str, Any]]:
    """The records as the message's recipient sees them (in a download package, for instance)."""
    sealed = content_sealed(records)
    return [evidence_view(r, sealed=sealed) for r in records]


def evidence_reader(principal: Principal, message_id: str, records: list[SignedEvidence]) -> str:
    """"sender" or "recipient"; NotFound for anybody else."""
    if records:
        first = unverified_claims(records[0].jws)
        is_sender = PUBLISH in principal.scopes and first["sender"]["enterpriseNumber"] == principal.enterprise_number
        is_recipient = MESSAGES_FULL in principal.scopes and ebox_id_of(first["recipient"]) == principal.ebox_id
        # A reply's sender is an enterprise (ebox.domain.replies): its own client reads its replies' records.
        is_replier = (MESSAGES_FULL in principal.scopes and principal.ssin is None
                      and first["sender"].get("applicationId") == REPLY_APPLICATION_ID
                      and first["sender"]["enterpriseNumber"] == principal.enterprise_number)
        if is_sender or is_replier:
            return "sender"
        if is_recipient:
            return "recipient"
    raise NotFound(f"message {message_id} has no evidence you may see")


def evidence_view(record: SignedEvidence, *, sealed: bool = False) -> dict[str, Any]:
    claims = unverified_claims(record.jws)
    view: dict[str, Any] = {
        "evidenceId": record.evidence_id,
        "sequence": record.sequence,
        "event": record.event.value,
        "eventUri": record.event.uri,
        "eventTime": claims["eventTime"],
    }
    if sealed:
        view["contentWithheld"] = True
    else:
        view["jws"] = record.jws
    return view


def evidence_answer(principal: Principal, message_id: str, records: list[SignedEvidence],
                    archived: Callable[[], dict[int, ArchiveProof]] | None = None) -> dict[str, Any]:
    """The /evidences answer: what ``principal`` may see of the records, in chain order,
    and the chain's signed head (policy v2). The head signs the hash of the last record, which binds the
    content's digests: withheld with the records' signed forms while the content is sealed. ``archived``:
    where each record is archived (ebox.domain.evidence_batches), asked only of a reader who sees the records."""
    sealed = evidence_reader(principal, message_id, records) == "recipient" and content_sealed(records)
    items = [evidence_view(r, sealed=sealed) for r in records]
    proofs = archived() if archived is not None and not sealed else {}
    for item, record in zip(items, records, strict=True):
        if record.sequence in proofs:
            item["archive"] = proofs[record.sequence].view()
    answer: dict[str, Any] = {"items": items, "totalItems": len(items)}
    if sealed:
        answer["contentWithheld"] = True
    elif records and records[-1].head_jws:
        answer["head"] = records[-1].head_jws
    return answer
