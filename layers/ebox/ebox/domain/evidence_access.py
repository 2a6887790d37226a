"""Who may read a message's evidence: its sender organisation (for a reply, the replying enterprise's own
client) and its recipient, nobody else."""

from __future__ import annotations

import json
from typing import Any

from ebox.domain.access import MESSAGES_FULL, PUBLISH, Principal
from ebox.domain.encoding import b64url_decode
from ebox.domain.errors import NotFound
from ebox.domain.evidence import SignedEvidence
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


def evidence_for(principal: Principal, message_id: str, records: list[SignedEvidence]) -> list[SignedEvidence]:
    """The records if ``principal`` is the message's sender or recipient; NotFound otherwise, so that
    a stranger cannot even learn that the message exists."""
    if records:
        first = unverified_claims(records[0].jws)
        is_sender = PUBLISH in principal.scopes and first["sender"]["enterpriseNumber"] == principal.enterprise_number
        is_recipient = MESSAGES_FULL in principal.scopes and ebox_id_of(first["recipient"]) == principal.ebox_id
        # A reply's sender is an enterprise (ebox.domain.replies): its own client reads its replies' records.
        is_replier = (MESSAGES_FULL in principal.scopes and principal.ssin is None
                      and first["sender"].get("applicationId") == REPLY_APPLICATION_ID
                      and first["sender"]["enterpriseNumber"] == principal.enterprise_number)
        if is_sender or is_recipient or is_replier:
            return records
    raise NotFound(f"message {message_id} has no evidence you may see")


def evidence_view(record: SignedEvidence) -> dict[str, Any]:
    claims = unverified_claims(record.jws)
    return {
        "evidenceId": record.evidence_id,
        "sequence": record.sequence,
        "event": record.event.value,
        "eventUri": record.event.uri,
        "eventTime": claims["eventTime"],
        "jws": record.jws,
    }
