"""Archive evidence: the messages table's stream → each batch of new evidence records archived as one Object
Lock object with one RFC 3161 time stamp (ebox.pipeline.evidence_archiving).

A batch that fails is raised: Lambda delivers the same records again, from the same first record, and the
archive finds what the failed try wrote."""

import logging
from typing import Any

from ebox import observability
from ebox.adapters.evidence_stream import new_evidence
from ebox.pipeline.evidence_archiving import ArchivingPorts, archive_batch
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.archive_evidence")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: ArchivingPorts | None = None) -> dict[str, int]:
    records = new_evidence(event.get("Records", []))
    objects = archive_batch(records, deps or services().archiving_ports()) if records else 0
    logger.info("evidence archived", extra={"records": len(records), "objects": objects})
    return {"records": len(records), "objects": objects}
