"""The messages table's DynamoDB stream, read back as the evidence records each write added (the evidence
archive's input: ebox.pipeline.evidence_archiving)."""

from __future__ import annotations

from typing import Any

from ebox.domain.evidence import EvidenceEvent, SignedEvidence

RECORD_PREFIX = "EVIDENCE#"


def new_evidence(records: list[dict[str, Any]]) -> list[SignedEvidence]:
    """The new evidence record items among the stream records, in stream order; other items and updates
    are skipped (the event source's filter lets only these through already)."""
    found = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        if not image.get("sk", {}).get("S", "").startswith(RECORD_PREFIX) or "jws" not in image:
            continue
        found.append(SignedEvidence(image["evidence_id"]["S"], image["pk"]["S"].removeprefix("MSG#"),
                                    int(image["sequence"]["N"]), EvidenceEvent(image["event"]["S"]),
                                    image["jws"]["S"]))
    return found
