"""Sender onboarding requests in the registry table (pk ``SENDER_REQUEST``, sk ``<requestId>``).

Requests are few (a handful a month): one partition holds them all, and the operator's list is one
Query. The request is kept as one JSON document beside its ``status``, which a decision changes only
while it is still PENDING (a conditional write: two operators cannot both decide)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import is_conditional_failure, raise_classified
from ebox.domain.onboarding import RequestStatus, SenderRequest

PARTITION = "SENDER_REQUEST"


class DynamoSenderRequests:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def add(self, request: SenderRequest) -> None:
        try:
            self._db.put_item(TableName=self._table, Item=_item(request),
                              ConditionExpression="attribute_not_exists(pk)")
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)

    def get(self, request_id: str) -> SenderRequest | None:
        try:
            found = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                      Key={"pk": {"S": PARTITION}, "sk": {"S": request_id}}).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        return SenderRequest.from_dict(json.loads(found["doc"]["S"])) if found else None

    def listed(self, status: str | None = None) -> list[SenderRequest]:
        query: dict[str, Any] = {"TableName": self._table, "KeyConditionExpression": "pk = :p",
                                 "ExpressionAttributeValues": {":p": {"S": PARTITION}}}
        if status:
            query["FilterExpression"] = "#s = :s"
            query["ExpressionAttributeNames"] = {"#s": "status"}
            query["ExpressionAttributeValues"][":s"] = {"S": status}
        found: list[SenderRequest] = []
        try:
            for page in self._db.get_paginator("query").paginate(**query):
                found.extend(SenderRequest.from_dict(json.loads(i["doc"]["S"])) for i in page.get("Items", []))
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        return sorted(found, key=lambda r: r.submitted_at)

    def decide(self, request: SenderRequest) -> bool:
        try:
            self._db.put_item(TableName=self._table, Item=_item(request), ConditionExpression="#s = :pending",
                              ExpressionAttributeNames={"#s": "status"},
                              ExpressionAttributeValues={":pending": {"S": RequestStatus.PENDING}})
        except (ClientError, BotoCoreError) as error:
            if is_conditional_failure(error):
                return False
            raise_classified(error)
        return True


def _item(request: SenderRequest) -> dict[str, Any]:
    return {"pk": {"S": PARTITION}, "sk": {"S": request.request_id}, "status": {"S": request.status},
            "organization_id": {"S": request.organization_id},
            "doc": {"S": json.dumps(request.to_dict(), ensure_ascii=False)}}
