"""A dropped batch, from the bucket's event to its report (statemachines/bulk_import.asl.json, then the
lines queue):

1. `prepare` (a Step Functions task, started by the S3 `Object Created` event): reads the archive's
   directory and manifest by ranged reads, refuses the whole batch when it is unusable, writes the
   plan (chunks of lines) and records the run; answers whether to wait for `sendAt`.
2. `release` (after the wait, if any): unless the batch was cancelled, queues the plan's chunks.
3. `publish_chunk` (SQS, partial-batch responses): each line through the publication path; the
   chunk's results and counts recorded once; the worker that counts the last chunk writes the report.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ebox import observability
from ebox.domain.archived_documents import ChunkArchive, kept_archive_key
from ebox.domain.batch_archive import BatchArchive, EntryLocation, extract
from ebox.domain.batch_plan import BatchRef, PlannedLine, batch_of_key, plan_chunks, settings_from
from ebox.domain.batch_report import BatchStatus, ChunkCounts, summary_view
from ebox.domain.bulk_ports import (
    ArchiveReader,
    BatchFiles,
    BatchLedger,
    BatchQueue,
    ChunkLease,
    ChunkWrites,
    Executions,
    RegisterReads,
)
from ebox.domain.clock import now
from ebox.domain.errors import (
    BatchClosed,
    BatchInProgress,
    EboxError,
    InvalidInput,
    InvalidSender,
    NotFound,
    TransientError,
)
from ebox.domain.ports import BufferedEvents
from ebox.domain.publication import PublicationPorts
from ebox.domain.validity import format_timestamp, parse_timestamp
from ebox.pipeline.bulk_lines import (
    LineContext,
    LineOutcome,
    message_id_of,
    publish_line,
    read_line,
    received_documents,
)
from ebox.pipeline.chunk_registry import ChunkRegistry

logger = logging.getLogger(__name__)
EVENT_SOURCE = "ebox.bulk-import"  # not ebox.message-registry: these are not a message's events
COMPLETED_EVENT = "BulkImportCompleted"
REFUSED_EVENT = "BulkImportRefused"  # a drop refused while another run of the same batch is under way
MERGE_GAP = 1024 * 1024  # documents closer than this in the archive are read in one ranged GET
LEASE_SECONDS = 360  # BulkPublishFunction's timeout (300 s) and a margin: a crashed delivery's chunk is free again


@dataclass(frozen=True)
class BulkImportPorts:
    ledger: BatchLedger
    files: BatchFiles
    queue: BatchQueue
    archives: ArchiveReader
    executions: Executions
    chunk_events: Callable[[], BufferedEvents]  # a new buffer of events per chunk
    chunk_publication: Callable[[BufferedEvents, ChunkArchive], PublicationPorts]  # the chunk's publication path
    chunk_writes: ChunkWrites  # many lines per call (BatchGetItem, BatchWriteItem)
    register: RegisterReads  # a chunk's recipients in one read


def prepare(state: dict[str, Any], bulk: BulkImportPorts) -> dict[str, Any]:
    event = state["event"]
    bucket, key = event["detail"]["bucket"]["name"], event["detail"]["object"]["key"]
    version = event["detail"]["object"].get("version-id") or None
    run = str(event["id"])
    try:
        ref = batch_of_key(key)
    except InvalidInput as error:
        logger.warning("dropped object %s ignored: %s", key, error.message)
        bulk.files.save_summary(key.removesuffix(".zip") + ".summary.json",
                                {"status": BatchStatus.REFUSED, "code": error.code, "message": error.message})
        return {"action": "ignore"}
    try:
        archive_file, etag = bulk.archives.open(bucket, key, version=version)
    except InvalidInput as gone:
        logger.warning("dropped object %s ignored: %s", key, gone.message)
        return {"action": "ignore"}
    received = format_timestamp(now())
    fields = {"status": BatchStatus.PREPARING, "bucket": bucket, "key": key, "etag": etag, "receivedAt": received,
              "execution": state.get("execution")}
    try:
        new = bulk.ledger.begin(ref, run, fields)
    except BatchInProgress as busy:  # told on the bus; the running batch's files are left alone
        bulk.chunk_events().announce(REFUSED_EVENT, {"batchId": ref.batch_id, "sender": ref.sender, "key": key,
                                                     "etag": etag, "code": busy.code, "message": busy.message},
                                     source=EVENT_SOURCE)
        return {"action": "refused", "code": busy.code}
    if not new:
        current = bulk.ledger.get(ref) or {}
        if current.get("status") != BatchStatus.PREPARING:
            if current.get("execution") == state.get("execution") and current.get("status") in (
                    BatchStatus.READY, BatchStatus.SCHEDULED):
                # This execution's Prepare again, its last write applied but its answer lost: answer as it would
                # have (ending here would leave the batch READY for ever, nothing queued).
                return _planned(ref, run, current.get("sendAt"))
            return {"action": "ignore"}  # the same event, delivered again to another execution
    try:
        archive = BatchArchive(archive_file)
        settings = settings_from(archive.settings(), now=now())
        context = {"sender": ref.sender, "batchId": ref.batch_id, "run": run, "bucket": bucket, "key": key,
                   "version": version, "etag": etag, "dryRun": settings.dry_run}
        if not settings.dry_run:  # its documents are served from this copy, never put one by one
            context["kept"] = kept_archive_key(ref.sender, ref.batch_id, run)
            bulk.files.keep_archive(bucket, key, version=version, kept_key=context["kept"])
        chunks, lines = bulk.files.save_plan(ref, run, (
            {**context, "chunk": n, "lines": [line.to_dict() for line in chunk]}
            for n, chunk in enumerate(plan_chunks(archive, ref.sender), start=1)))
        if lines == 0:
            raise InvalidInput("the manifest has no lines")
    except (InvalidInput, InvalidSender) as refusal:
        finish_refused(ref, run, refusal, bulk)
        return {"action": "refused", "code": refusal.code}
    status = BatchStatus.SCHEDULED if settings.send_at else BatchStatus.READY
    bulk.ledger.move(ref, run, expected=(BatchStatus.PREPARING,), status=status, fields={
        "totalLines": lines, "chunks": chunks, "dryRun": settings.dry_run, "sendAt": settings.send_at})
    return _planned(ref, run, settings.send_at)


def _planned(ref: BatchRef, run: str, send_at: str | None) -> dict[str, Any]:
    """What the state machine does with a planned batch: release it now, or at ``send_at``."""
    answer = {"action": "schedule" if send_at else "release", "sender": ref.sender, "batchId": ref.batch_id,
              "run": run}
    return {**answer, "sendAt": send_at} if send_at else answer


def release(state: dict[str, Any], bulk: BulkImportPorts) -> dict[str, Any]:
    """Queues the plan, unless the batch was cancelled meanwhile (a retry queues it again: chunks and
    lines are counted and published once)."""
    ref, run = BatchRef(state["sender"], state["batchId"]), state["run"]
    if not bulk.ledger.move(ref, run, expected=(BatchStatus.READY, BatchStatus.SCHEDULED, BatchStatus.RUNNING),
                            status=BatchStatus.RUNNING,
                            fields={"startedAt": format_timestamp(now())}):
        return {"released": False}
    return {"released": True, "chunks": bulk.queue.send(bulk.files.plan(ref, run))}


def publish_chunk(body: str, bulk: BulkImportPorts) -> None:
    """One chunk of lines; raises TransientError for SQS to deliver it again.

    The chunk is leased (one delivery at a time; its first delivery's time is its lines' receipt time and
    seeds their message ids), its claims read in one call, then its lines decided in memory and written
    together: evidence, then messages, then claims, 25 items per BatchWriteItem. A later delivery reads
    what an earlier one wrote and keeps what may already be known (ebox.pipeline.bulk_lines)."""
    chunk = json.loads(body)
    ref, run, number = BatchRef(chunk["sender"], chunk["batchId"]), chunk["run"], int(chunk["chunk"])
    batch = bulk.ledger.get(ref)
    running = (BatchStatus.RUNNING, BatchStatus.REPORTING)
    if batch is None or batch.get("run") != run or batch.get("status") not in running:
        logger.info("chunk %d of batch %s run %s dropped: the run is %s", number, ref.batch_id, run,
                    batch.get("status") if batch and batch.get("run") == run else "superseded")
        return
    lease = bulk.ledger.lease_chunk(ref, run, number, seconds=LEASE_SECONDS)
    if lease is None:
        logger.info("chunk %d of batch %s run %s was counted already", number, ref.batch_id, run)
        _finish_if_done(ref, run, bulk.ledger.get(ref), bulk)  # the delivery that counted it may have died
        return
    try:
        _publish_leased(chunk, lease, bulk)
    except Exception:  # whatever failed, the next delivery may take the chunk at once
        bulk.ledger.release_chunk(ref, run, number, lease)
        raise


def _publish_leased(chunk: dict[str, Any], lease: ChunkLease, bulk: BulkImportPorts) -> None:
    ref, run, number = BatchRef(chunk["sender"], chunk["batchId"]), chunk["run"], int(chunk["chunk"])
    dry_run = bool(chunk.get("dryRun"))
    lines = [PlannedLine.from_dict(line) for line in chunk["lines"]]
    documents = _documents(lines, chunk, bulk)
    contents = {name: data for name, (data, _) in documents.items()}
    chunk_documents = received_documents(contents)
    read = [read_line(line, chunk_documents, ref) for line in lines]
    events = bulk.chunk_events()
    archive = ChunkArchive(chunk.get("kept"), {name: (data, where) for name, (data, where) in documents.items()
                                               if isinstance(data, bytes) and where is not None})
    ports = bulk.chunk_publication(events, archive)
    recipients = [r.request.recipient.ebox_id for r in read if r.request is not None]
    ports = replace(ports, registry=ChunkRegistry(ports.registry, bulk.register, recipients))
    claims = [r.claim for r in read if r.claim is not None]
    context = LineContext(ref, run, dry_run, ports, lease.received,
                          claimed=bulk.chunk_writes.claimed(claims) if claims else {})
    if lease.attempt > 1 and not dry_run:
        ids = [(r.request.recipient.ebox_id, message_id_of(r.line.number, context)) for r in read if r.request]
        context = replace(context, earlier=bulk.chunk_writes.earlier(ids))
    outcomes = [publish_line(r, contents, context) for r in read]
    if not dry_run:
        _write(outcomes, context, bulk)
        for outcome in outcomes:
            if outcome.refusal is not None:  # announced once its record is written (the archive reads it)
                refusal = outcome.refusal
                events.message_rejected(refusal.message_id, ref.sender, refusal.recipient, refusal.code)
    events.flush()
    results = [outcome.result for outcome in outcomes]
    bulk.files.save_chunk_results(ref, run, number, results)
    counts = ChunkCounts.of(results)
    _count_lines(counts, dry_run=dry_run)
    _finish_if_done(ref, run, bulk.ledger.count_chunk(ref, run, number, counts) or bulk.ledger.get(ref), bulk)


def _finish_if_done(ref: BatchRef, run: str, batch: dict[str, Any] | None, bulk: BulkImportPorts) -> None:
    if batch and batch.get("run") == run and batch.get("processed", 0) >= batch.get("totalLines", 0):
        finish(ref, run, bulk)


def _write(outcomes: list[LineOutcome], context: LineContext, bulk: BulkImportPorts) -> None:
    publications = [o.publication for o in outcomes if o.publication is not None]
    rejections = [o.rejection for o in outcomes if o.rejection is not None]
    claims_only = [o.claim_only for o in outcomes if o.claim_only is not None]
    written = [p.message.message_id for p in publications] + [r.message_id for r in rejections]
    replaced = {mid: len(context.earlier.chains[mid]) for mid in written if context.earlier.chains.get(mid)}
    if publications or rejections or claims_only:
        bulk.chunk_writes.write(publications, rejections, claims_only=claims_only, replaced=replaced)


def _count_lines(counts: ChunkCounts, *, dry_run: bool) -> None:
    observability.count(observability.BULK_LINES, counts.accepted, status="accepted")
    observability.count(observability.BULK_LINES, counts.rejected, status="rejected")
    if not dry_run:
        observability.count(observability.PUBLISHED, counts.accepted - counts.already_published)
    for code, refused in counts.by_code.items():
        observability.count(observability.REFUSED, refused, code=code)


def _documents(lines: list[PlannedLine], chunk: dict[str, Any],
               bulk: BulkImportPorts) -> dict[str, tuple[bytes | EboxError, EntryLocation | None]]:
    """The chunk's documents, cut from as few ranged reads of the archive as their places allow."""
    wanted = {name: EntryLocation.from_list(where) for line in lines for name, where in line.documents.items()}
    spans: list[list[Any]] = []
    for name, location in sorted(wanted.items(), key=lambda item: item[1].start):
        if spans and location.start - spans[-1][1] <= MERGE_GAP:
            spans[-1][1] = max(spans[-1][1], location.end)
            spans[-1][2].append(name)
        else:
            spans.append([location.start, location.end, [name]])
    found: dict[str, tuple[bytes | EboxError, EntryLocation | None]] = {}
    for start, end, names in spans:
        try:
            data = bulk.archives.fetch(chunk["bucket"], chunk["key"], start, end, version=chunk.get("version"),
                                       etag=chunk.get("etag"))
        except InvalidInput as gone:  # the archive was replaced or removed meanwhile: its lines say so
            found.update({name: (gone, None) for name in names})
            continue
        for name in names:
            try:
                found[name] = (extract(wanted[name], data, start), wanted[name])
            except InvalidInput as error:
                found[name] = (InvalidInput(f"file '{name}': {error.message}"), None)
    return found


def finish(ref: BatchRef, run: str, bulk: BulkImportPorts) -> None:
    """The report next to the batch, the summary, and the completion event, then COMPLETED: a delivery that
    dies on the way leaves the batch REPORTING, and the chunk's next delivery finishes it (the report and
    summary written again, the event put at least once)."""
    if not bulk.ledger.move(ref, run, expected=(BatchStatus.RUNNING, BatchStatus.REPORTING),
                            status=BatchStatus.REPORTING):
        return
    batch = bulk.ledger.get(ref) or {}
    bulk.files.write_report(ref, run, int(batch.get("chunks", 0)))
    completed = now()
    started = batch.get("startedAt") or batch.get("receivedAt")
    duration = (completed - parse_timestamp(started, field_name="startedAt")).total_seconds() if started else None
    fields = {"completedAt": format_timestamp(completed), "durationSeconds": duration, "results": ref.results_key}
    _announce(ref, {**batch, **fields, "status": BatchStatus.COMPLETED}, bulk)
    bulk.ledger.move(ref, run, expected=(BatchStatus.REPORTING,), status=BatchStatus.COMPLETED, fields=fields)


def finish_refused(ref: BatchRef, run: str, refusal: EboxError, bulk: BulkImportPorts) -> None:
    fields = {"code": refusal.code, "message": refusal.message, "completedAt": format_timestamp(now())}
    bulk.ledger.move(ref, run, expected=(BatchStatus.PREPARING,), status=BatchStatus.REFUSED, fields=fields)
    _announce(ref, bulk.ledger.get(ref) or {}, bulk)


def cancel(ref: BatchRef, bulk: BulkImportPorts) -> dict[str, Any]:
    """A scheduled batch is cancelled before its `sendAt`; anything else cannot be any more."""
    batch = bulk.ledger.get(ref)
    if batch is None:
        raise NotFound(f"no batch {ref.batch_id}")
    fields = {"completedAt": format_timestamp(now())}
    if not bulk.ledger.move(ref, batch["run"], expected=(BatchStatus.SCHEDULED, BatchStatus.READY),
                            status=BatchStatus.CANCELLED, fields=fields):
        raise BatchClosed(f"batch {ref.batch_id} is {batch.get('status')}: only a scheduled batch can be cancelled")
    if batch.get("execution"):
        _stop_waiting(str(batch["execution"]), bulk)
    try:
        _announce(ref, bulk.ledger.get(ref) or {}, bulk)
    except TransientError as lost:  # cancelled all the same: its summary says so, its event is lost
        logger.warning("batch %s cancelled, its event not put: %s", ref.batch_id, lost.message)
    return summary_view(bulk.ledger.get(ref) or {})


def _stop_waiting(execution: str, bulk: BulkImportPorts) -> None:
    if not bulk.executions.stop(execution, cause="cancelled by the sender"):
        logger.warning("could not stop %s; its release step will find the batch cancelled", execution)


def _announce(ref: BatchRef, batch: dict[str, Any], bulk: BulkImportPorts) -> None:
    summary = summary_view(batch)
    bulk.files.save_summary(ref.summary_key, summary)
    events = bulk.chunk_events()
    events.announce(COMPLETED_EVENT, summary, source=EVENT_SOURCE)
    if batch.get("status") == BatchStatus.COMPLETED:
        logger.info("batch %s of %s completed: %s", ref.batch_id, ref.sender, summary)
