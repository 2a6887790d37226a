"""Callback endpoints (registry table) and deliveries (messages table, kept 30 days through its TTL).

| item     | table    | pk               | sk                 | served access pattern                      |
|----------|----------|------------------|--------------------|--------------------------------------------|
| endpoint | registry | CALLBACK#<org>   | APP#<appId>        | Query: a sender's endpoints (once per event)|
| delivery | messages | CALLBACK#<org>   | DELIVERY#<id>      | conditional Put (once per bus event and    |
|          |          |                  |                    | endpoint); GetItem per attempt; Query: the |
|          |          |                  |                    | sender's list, filtered by status          |

Every key starts with the sender's organisation: a sender reads only its own endpoints and deliveries."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import call, is_conditional_failure, raise_classified
from ebox.domain.callbacks import CallbackEndpoint, Delivery, DeliveryStatus, EndpointStatus

DELIVERY_TTL_SECONDS = 30 * 24 * 3600


class DynamoCallbackStore:
    def __init__(self, dynamodb_client: Any, *, registry_table: str, messages_table: str) -> None:
        self._db = dynamodb_client
        self._registry = registry_table
        self._messages = messages_table

    # ---- endpoints

    def endpoint(self, organization_id: str, application_id: str) -> CallbackEndpoint | None:
        item = self._call("get_item", TableName=self._registry, ConsistentRead=True,
                          Key=_key(organization_id, f"APP#{application_id}")).get("Item")
        return _endpoint(item) if item else None

    def endpoints(self, organization_id: str) -> list[CallbackEndpoint]:
        return [_endpoint(i) for i in self._query(self._registry, organization_id, "APP#")]

    def save_endpoint(self, endpoint: CallbackEndpoint) -> None:
        doc = {**endpoint.view(), "organizationId": endpoint.organization_id}
        self._call("put_item", TableName=self._registry, Item={
            **_key(endpoint.organization_id, f"APP#{endpoint.application_id}"), "doc": {"S": json.dumps(doc)}})

    def delete_endpoint(self, organization_id: str, application_id: str) -> None:
        self._call("delete_item", TableName=self._registry, Key=_key(organization_id, f"APP#{application_id}"))

    # ---- deliveries

    def add(self, delivery: Delivery) -> bool:
        try:
            self._db.put_item(TableName=self._messages, Item=_delivery_item(delivery),
                              ConditionExpression="attribute_not_exists(pk)")
        except (ClientError, BotoCoreError) as error:
            if is_conditional_failure(error):
                return False
            raise_classified(error)
        return True

    def get(self, organization_id: str, delivery_id: str) -> Delivery | None:
        item = self._call("get_item", TableName=self._messages, ConsistentRead=True,
                          Key=_key(organization_id, f"DELIVERY#{delivery_id}")).get("Item")
        return _delivery(item) if item else None

    def save(self, delivery: Delivery) -> None:
        self._call("put_item", TableName=self._messages, Item=_delivery_item(delivery))

    def listed(self, organization_id: str, status: str | None = None) -> list[Delivery]:
        found = [_delivery(i) for i in self._query(self._messages, organization_id, "DELIVERY#")]
        return [d for d in found if status is None or d.status == status]

    def _query(self, table: str, organization_id: str, prefix: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        try:
            for page in self._db.get_paginator("query").paginate(
                    TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                    ExpressionAttributeValues={":p": {"S": f"CALLBACK#{organization_id}"}, ":s": {"S": prefix}}):
                items.extend(page.get("Items", []))
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        return items

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        return call(self._db, operation, **params)


def _key(organization_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"CALLBACK#{organization_id}"}, "sk": {"S": sk}}


def _endpoint(item: dict[str, Any]) -> CallbackEndpoint:
    doc = json.loads(item["doc"]["S"])
    return CallbackEndpoint(doc["organizationId"], doc["applicationId"], doc["url"], frozenset(doc["events"]),
                            EndpointStatus(doc["status"]), doc.get("registeredAt", ""), doc.get("verifiedAt"),
                            doc.get("lastError"))


def _delivery_item(delivery: Delivery) -> dict[str, Any]:
    doc = {"deliveryId": delivery.delivery_id, "organizationId": delivery.organization_id,
           "applicationId": delivery.application_id, "cloudevent": delivery.cloudevent, "status": delivery.status,
           "attempts": delivery.attempts, "windowStart": delivery.window_start,
           "lastAttemptAt": delivery.last_attempt_at, "lastError": delivery.last_error,
           "deliveredAt": delivery.delivered_at}
    return {**_key(delivery.organization_id, f"DELIVERY#{delivery.delivery_id}"), "doc": {"S": json.dumps(doc)},
            "expires_at": {"N": str(int(time.time()) + DELIVERY_TTL_SECONDS)}}


def _delivery(item: dict[str, Any]) -> Delivery:
    doc = json.loads(item["doc"]["S"])
    return Delivery(doc["deliveryId"], doc["organizationId"], doc["applicationId"], doc["cloudevent"],
                    DeliveryStatus(doc["status"]), int(doc["attempts"]), doc["windowStart"], doc.get("lastAttemptAt"),
                    doc.get("lastError"), doc.get("deliveredAt"))
