"""The statistics' backfill on DynamoDB (ebox.domain.statistics_backfill): the messages table read a Scan page
at a time, and the statistics table's rebuildable items removed a Scan page at a time. Both cursors are a
page's LastEvaluatedKey as JSON, so that a run resumes where it stopped.

| item     | pk       | sk       | served access pattern                                        |
|----------|----------|----------|--------------------------------------------------------------|
| progress | BACKFILL | PROGRESS | GetItem + conditional Put (on its version): one run at a time |
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import is_conditional_failure, raise_classified
from ebox.adapters.inbox_pages import to_message
from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.statistics_backfill import REBUILT_COUNTERS, REBUILT_MARKERS, BackfillProgress, StoredMessage

PROGRESS_KEY = {"pk": {"S": "BACKFILL"}, "sk": {"S": "PROGRESS"}}


def _cursor(key: dict[str, Any] | None) -> str | None:
    return json.dumps(key, sort_keys=True) if key else None


def _scan(db: Any, table: str, cursor: str | None, limit: int, **params: Any) -> tuple[list[dict[str, Any]],
                                                                                        str | None]:
    request: dict[str, Any] = {"TableName": table, "Limit": limit, "ConsistentRead": True, **params}
    if cursor:
        request["ExclusiveStartKey"] = json.loads(cursor)
    try:
        page = db.scan(**request)
    except (ClientError, BotoCoreError) as error:
        raise_classified(error)
    return page.get("Items", []), _cursor(page.get("LastEvaluatedKey"))


class DynamoStoredMessages:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def page(self, cursor: str | None, limit: int) -> tuple[list[StoredMessage], str | None]:
        items, next_cursor = _scan(self._db, self._table, cursor, limit,
                                   FilterExpression="begins_with(pk, :ebox) AND begins_with(sk, :msg)",
                                   ExpressionAttributeValues={":ebox": {"S": "EBOX#"}, ":msg": {"S": "MSG#"}})
        return [_stored(MessageItem.from_raw_data(item)) for item in items], next_cursor


def _stored(item: MessageItem) -> StoredMessage:
    message = to_message(item)
    return StoredMessage(message.message_id, message.recipient, message.receipt_date,
                         message.sender_organization_id, message.registered_mail_type or "simple",
                         item.read_at, item.delivery_state)


class DynamoStatisticsRebuild:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def progress(self) -> BackfillProgress | None:
        try:
            item = self._db.get_item(TableName=self._table, Key=PROGRESS_KEY, ConsistentRead=True).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        return None if item is None else BackfillProgress(**json.loads(item["progress"]["S"]))

    def save_progress(self, progress: BackfillProgress, *, seen_version: int | None) -> bool:
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"} if seen_version is None else {
            "ConditionExpression": "version = :seen", "ExpressionAttributeValues": {":seen": {"N": str(seen_version)}}}
        item = {**PROGRESS_KEY, "version": {"N": str(progress.version)},
                "progress": {"S": json.dumps(asdict(progress))}}
        try:
            self._db.put_item(TableName=self._table, Item=item, **condition)
        except (ClientError, BotoCoreError) as error:
            if is_conditional_failure(error):
                return False
            raise_classified(error)
        return True

    def wipe_page(self, cursor: str | None, limit: int) -> tuple[int, str | None]:
        items, next_cursor = _scan(self._db, self._table, cursor, limit,
                                   ProjectionExpression="pk, sk, last_active")
        removed = 0
        for item in items:
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            key = {"pk": item["pk"], "sk": item["sk"]}
            try:
                if (pk.startswith("STATS#") and sk.startswith(REBUILT_COUNTERS)) or pk.startswith(REBUILT_MARKERS):
                    self._db.delete_item(TableName=self._table, Key=key)
                elif pk.startswith("EBOX#") and sk == "STATE" and "last_active" in item:
                    self._db.update_item(TableName=self._table, Key=key, UpdateExpression="REMOVE last_active")
                else:
                    continue
            except (ClientError, BotoCoreError) as error:
                raise_classified(error)
            removed += 1
        return removed, next_cursor
