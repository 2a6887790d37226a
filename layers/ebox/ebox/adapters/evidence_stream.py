"""The messages table's DynamoDB stream, read back as the evidence records each write added (the evidence
archive's input: ebox.pipeline.evidence_archiving)."""

from __future__ import annotations

import base64
from typing import Any

from ebox.adapters.evidence_chain import records_of_bundle
from ebox.domain.evidence import EvidenceEvent, SignedEvidence

RECORD_PREFIX = "EVIDENCE#"


def new_evidence(records: list[dict[str, Any]]) -> list[SignedEvidence]:
    """The records the new evidence items among the stream records hold, in stream order: a new chain's first
    item (its packed records, not the signed head packed beside them), or a later record's item. Other items
    and updates are skipped (the event source's filter lets only inserts of ``EVIDENCE#…`` through already):
    an append that moves the head a first item holds modifies it, and its records were archived when it was
    inserted."""
    found = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        if not image.get("sk", {}).get("S", "").startswith(RECORD_PREFIX):
            continue
        message_id = image["pk"]["S"].removeprefix("MSG#")
        if "records" in image:  # a new chain's first item (ebox.adapters.evidence_chain)
            found += records_of_bundle(message_id, _binary(image["records"]["B"]))
        elif "jws" in image:
            found.append(SignedEvidence(image["evidence_id"]["S"], message_id, int(image["sequence"]["N"]),
                                        EvidenceEvent(image["event"]["S"]), image["jws"]["S"]))
    return found


def _binary(value: str | bytes) -> bytes:
    """A binary attribute of Lambda's stream event: base64 text (bytes when handed over already decoded)."""
    return value if isinstance(value, bytes) else base64.b64decode(value)
