"""Rate limits' counters in their DynamoDB table (ebox.domain.rate_limits): one item per subject and window,
``pk`` = ``<limit>#<subject>#<window start>``, ``hits`` counted by one conditional UpdateItem (no read
first), ``expires_at`` for DynamoDB's TTL to remove the window after it ended."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import CONDITIONAL_FAILURES, error_code, raise_classified


class DynamoRateCounters:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        if not table:
            raise RuntimeError("the rate limits' table is not configured (EBOX_RATE_LIMITS_TABLE)")
        self._dynamodb, self._table = dynamodb_client, table

    def take(self, key: str, *, limit: int, expires_at: int) -> bool:
        try:
            self._dynamodb.update_item(
                TableName=self._table, Key={"pk": {"S": key}},
                UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(limit)},
                                           ":expires": {"N": str(expires_at)}})
        except (ClientError, BotoCoreError) as error:
            if error_code(error) in CONDITIONAL_FAILURES:
                return False
            raise_classified(error)
        return True
