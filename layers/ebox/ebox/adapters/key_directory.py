"""The endorsed evidence keys (ebox.adapters.endorsed_signer), in the messages table.

| item         | pk              | sk    | served access pattern                                         |
|--------------|-----------------|-------|---------------------------------------------------------------|
| evidence key | EVIDENCE_KEYS   | <kid> | Query sk >= ek-<day>: the keys of the last days (/evidence/keys); |
|              |                 |       | GetItem by kid: any older key (/evidence/keys/{kid})          |

A kid is `ek-<YYYYMMDD>-<thumbprint>`, so the current list is one bounded Query whatever the age of the
service: a key older than CURRENT_DAYS is archived out of the list, not deleted (old evidence names it).
"""

from __future__ import annotations

import json
import time
from typing import Any

from ebox.adapters.aws_errors import call, classified
from ebox.adapters.endorsed_signer import key_day

EVIDENCE_KEYS = "EVIDENCE_KEYS"
CURRENT_DAYS = 2


class DynamoKeyDirectory:
    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._db = dynamodb_client
        self._table = table

    def publish_key(self, jwk: dict[str, str]) -> None:
        call(self._db, "put_item", failure=f"could not publish evidence key {jwk['kid']}", TableName=self._table,
             Item={"pk": {"S": EVIDENCE_KEYS}, "sk": {"S": jwk["kid"]}, "jwk": {"S": json.dumps(jwk)}})

    def current_keys(self, now: float | None = None) -> list[dict[str, str]]:
        """The keys made in the last CURRENT_DAYS days (those that may still sign, and yesterday's)."""
        since = key_day((time.time() if now is None else now) - CURRENT_DAYS * 86400)
        with classified("could not list the evidence keys"):
            pages = self._db.get_paginator("query").paginate(
                TableName=self._table, KeyConditionExpression="pk = :pk AND sk >= :since",
                ExpressionAttributeValues={":pk": {"S": EVIDENCE_KEYS}, ":since": {"S": f"ek-{since}"}})
            return [json.loads(item["jwk"]["S"]) for page in pages for item in page["Items"]]

    def key(self, kid: str) -> dict[str, str] | None:
        """Any key ever published, current or archived."""
        item = call(self._db, "get_item", failure=f"could not read evidence key {kid}", TableName=self._table,
                    Key={"pk": {"S": EVIDENCE_KEYS}, "sk": {"S": kid}})
        return json.loads(item["Item"]["jwk"]["S"]) if "Item" in item else None
