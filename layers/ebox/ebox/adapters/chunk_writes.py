"""A bulk chunk's reads and writes in the messages table, many lines per call (issue 14): its claims in one
consistent BatchGetItem, then its lines' items 25 per BatchWriteItem, unprocessed items sent again with a
growing pause. BatchWriteItem takes no condition: what a transaction's conditions did for one publication,
the chunk's lease (one delivery at a time, ebox.adapters.batch_ledger), its one read of the claims and the
order of the writes do for the chunk:

1. the evidence chains, one item each with its head (invisible: nobody reads a message's chain before the
   message; ebox.adapters.evidence_chain.first_item, as a publication's transaction writes it);
2. the message items, which make the messages visible and announce them (the table's stream: the outbox);
3. the idempotency claims, which tell a later drop of the batch that the lines are published.

A delivery that dies between two of them leaves lines a later delivery completes (``earlier`` reads what
it left: a visible message only needs its claim; evidence without a message is written again)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from pynamodb.connection import Connection

from ebox.adapters.aws_errors import call, classified
from ebox.adapters.evidence_chain import evidence_items
from ebox.adapters.inbox_pages import to_message
from ebox.adapters.item_keys import ebox_key, idempotency_key, message_key
from ebox.adapters.message_index import IDEMPOTENCY_TTL_SECONDS, DynamoMessageIndex, message_item
from ebox.adapters.tables.message_items import IdempotencyItem, MessageItem
from ebox.domain.bulk_ports import EarlierWrites, Publication
from ebox.domain.errors import TransientError
from ebox.domain.evidence import SignedEvidence
from ebox.domain.ports import IdempotencyClaim, IdempotencyRecord

BATCH = 25  # BatchWriteItem's limit
ATTEMPTS = 8  # unprocessed items sent again up to this many times (pauses 50 ms doubling to ~6 s, jittered)


class DynamoChunkWrites:
    def __init__(self, connection: Connection, index: DynamoMessageIndex, *,
                 sleep: Callable[[float], None] = time.sleep, pause: float = 0.05) -> None:
        self._connection = connection
        self._index = index
        self._sleep = sleep
        self._pause = pause

    def claimed(self, claims: list[IdempotencyClaim]) -> dict[str, IdempotencyRecord]:
        by_pk = {idempotency_key(claim): claim.key for claim in claims}
        with classified("could not read the chunk's idempotency claims"):
            items = list(IdempotencyItem.batch_get([(pk, "CLAIM") for pk in by_pk], consistent_read=True))
        return {by_pk[item.pk]: IdempotencyRecord(item.message_id, item.expiration_date, item.request_fingerprint)
                for item in items if item.pk in by_pk}

    def earlier(self, messages: list[tuple[str, str]]) -> EarlierWrites:
        with classified("could not read what an earlier delivery wrote"):
            items = MessageItem.batch_get([(ebox_key(ebox), message_key(mid)) for ebox, mid in messages],
                                          consistent_read=True)
            found = {m.message_id: m for m in map(to_message, items)}
            chains = {mid: chain for _, mid in messages if mid not in found
                      for chain in [self._index.evidence(mid)] if chain}
        return EarlierWrites(found, chains)

    def write(self, publications: list[Publication], rejections: list[SignedEvidence], *,
              claims_only: list[Publication], replaced: Mapping[str, int]) -> None:
        records: list[dict[str, Any]] = []
        for publication in publications:
            records += [_put(item) for item in evidence_items(publication.message.message_id, publication.evidence)]
        for rejection in rejections:
            records += [_put(item) for item in evidence_items(rejection.message_id, [rejection])]
        written = {p.message.message_id: len(p.evidence) for p in publications}
        written |= {r.message_id: 1 for r in rejections}
        for message_id, left in replaced.items():  # records an earlier delivery left beyond the new chain
            records += [_delete_record(message_id, n) for n in range(written.get(message_id, 0) + 1, left + 1)]
        self._write_all(records)
        self._write_all([_put(message_item(p.message)) for p in publications])
        expires = int(time.time()) + IDEMPOTENCY_TTL_SECONDS
        self._write_all([_put(_claim_item(p, expires)) for p in publications + claims_only if p.claim is not None])

    def _write_all(self, requests: list[dict[str, Any]]) -> None:
        for start in range(0, len(requests), BATCH):
            self._write_batch(requests[start:start + BATCH])

    def _write_batch(self, requests: list[dict[str, Any]]) -> None:
        table = MessageItem.Meta.table_name
        pending = requests
        for attempt in range(ATTEMPTS):
            answer = call(self._connection.client, "batch_write_item", RequestItems={table: pending},
                          failure=f"could not write {len(pending)} items of a bulk chunk")
            pending = answer.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                return
            self._sleep(self._pause * (2 ** attempt) * (0.5 + random.random()))  # noqa: S311 - jitter only
        raise TransientError(f"DynamoDB left {len(pending)} items of a bulk chunk unprocessed")


def _claim_item(publication: Publication, expires: int) -> IdempotencyItem:
    claim, message = publication.claim, publication.message
    assert claim is not None
    return IdempotencyItem(idempotency_key(claim), "CLAIM", message_id=message.message_id,
                           expiration_date=message.expiration_date,
                           request_fingerprint=claim.request_fingerprint, expires_at=expires)


def _put(item: Any) -> dict[str, Any]:
    return {"PutRequest": {"Item": item.serialize()}}


def _delete_record(message_id: str, sequence: int) -> dict[str, Any]:
    return {"DeleteRequest": {"Key": {"pk": {"S": message_key(message_id)}, "sk": {"S": f"EVIDENCE#{sequence:04d}"}}}}
