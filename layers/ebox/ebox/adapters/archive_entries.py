"""Where a message's evidence records were archived, in the messages table: one item per message and batch.

| item          | pk            | sk                        | attributes                                     |
|---------------|---------------|---------------------------|------------------------------------------------|
| archive entry | MSG#<message> | ARCHIVE#<first seq, 0000> | batch (the object's key), lines {seq: line}    |

Written by the evidence archive (ebox.pipeline.evidence_archiving) once its batch object is there, 25 to a
BatchWriteItem; a retried batch writes the same items again. Read by `GET …/evidences` (one Query)."""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import raise_classified
from ebox.domain.errors import TransientError
from ebox.domain.evidence_batches import ArchiveEntry

PREFIX = "ARCHIVE#"
BATCH_WRITE_LIMIT = 25
UNPROCESSED_TRIES = 5


def _item(entry: ArchiveEntry) -> dict[str, Any]:
    return {"pk": {"S": f"MSG#{entry.message_id}"}, "sk": {"S": f"{PREFIX}{entry.first_sequence:04d}"},
            "batch": {"S": entry.batch_key},
            "lines": {"M": {str(seq): {"N": str(line)} for seq, line in sorted(entry.lines.items())}}}


class DynamoArchiveEntries:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def record(self, entries: list[ArchiveEntry]) -> None:
        for start in range(0, len(entries), BATCH_WRITE_LIMIT):
            requests = [{"PutRequest": {"Item": _item(e)}} for e in entries[start:start + BATCH_WRITE_LIMIT]]
            self._write(requests)

    def _write(self, requests: list[dict[str, Any]]) -> None:
        for attempt in range(UNPROCESSED_TRIES):
            try:
                answer = self._db.batch_write_item(RequestItems={self._table: requests})
            except (ClientError, BotoCoreError) as error:
                raise_classified(error, "could not record where evidence was archived")
            requests = answer.get("UnprocessedItems", {}).get(self._table, [])
            if not requests:
                return
            time.sleep(0.05 * 2 ** attempt)
        raise TransientError(f"{len(requests)} archive entries left unprocessed")

    def entries(self, message_id: str) -> list[ArchiveEntry]:
        try:
            pages = self._db.get_paginator("query").paginate(
                TableName=self._table, KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
                ExpressionAttributeValues={":pk": {"S": f"MSG#{message_id}"}, ":prefix": {"S": PREFIX}})
            items = [item for page in pages for item in page["Items"]]
        except (ClientError, BotoCoreError) as error:
            raise_classified(error, f"could not read where {message_id}'s evidence was archived")
        return [ArchiveEntry(message_id, item["batch"]["S"],
                             {int(seq): int(line["N"]) for seq, line in item["lines"]["M"].items()})
                for item in items]
