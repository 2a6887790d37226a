"""API Gateway usage keys of the API's clients (decision 0024). Each approved or imported client gets an API key
in the clients' usage plan; its value sits on the client's registry item (``usage_key``), where the API's
authorizer reads it and hands it to API Gateway as the request's ``usageIdentifierKey``
(``ApiKeySourceType: AUTHORIZER``). Clients never see or send it: the value identifies, it does not
authenticate (the bearer token does), so it is stored like any other attribute.

:class:`ApiGatewayUsageKeys` creates, disables and enables keys (the sender registry function's role alone may);
:class:`RegistryUsageKeys` only reads them (the authorizer's)."""

from __future__ import annotations

import binascii
import json
import secrets
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import classify, error_code
from ebox.domain.encoding import b64url_decode, b64url_encode
from ebox.domain.errors import InvalidInput
from ebox.domain.sender_ports import KeylessClient, KeylessPage

KEY_ATTRIBUTE = "usage_key"
KEY_ID_ATTRIBUTE = "usage_key_id"


def client_item_key(client_id: str, *, external: bool) -> dict[str, Any]:
    """The registry item of a client of ours (``CLIENT#``) or of the senders' external IdP (``IDP_CLIENT#``)."""
    if external:
        return {"pk": {"S": f"IDP_CLIENT#{client_id}"}, "sk": {"S": "SENDER"}}
    return {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": "OAUTH_CLIENT"}}


class RegistryUsageKeys:
    """The authorizer's read: a client's usage key, ``""`` for a client without one, None for no such client."""

    def __init__(self, dynamodb_client: Any, *, table: str) -> None:
        self._dynamodb, self._table = dynamodb_client, table

    def usage_key(self, client_id: str, *, external: bool) -> str | None:
        try:
            item = self._dynamodb.get_item(
                TableName=self._table, Key=client_item_key(client_id, external=external),
                ProjectionExpression="pk, #key", ExpressionAttributeNames={"#key": KEY_ATTRIBUTE}).get("Item")
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error
        if item is None:
            return None
        return str(item.get(KEY_ATTRIBUTE, {}).get("S", ""))


class ApiGatewayUsageKeys:
    """Issues a client's API key in the clients' usage plan and records it on the client's item. Safe to repeat:
    a client that has a key keeps it; a key made by an attempt that failed half-way is found by its name."""

    def __init__(self, apigateway_client: Any, dynamodb_client: Any, *, usage_plan_id: str, table: str) -> None:
        self._apigateway, self._dynamodb = apigateway_client, dynamodb_client
        self._plan, self._table = usage_plan_id, table

    @property
    def configured(self) -> bool:
        return bool(self._plan)

    def issue(self, client_id: str, *, external: bool = False) -> str:
        """The client's key id (made, or the one it had)."""
        name = f"ebox-{self._plan}-{'idp-' if external else ''}{client_id}"[:1024]
        try:
            key = self._existing(name) or self._apigateway.create_api_key(
                name=name, enabled=True, value=secrets.token_urlsafe(30),
                description=f"usage of the e-Box API by client {client_id} (decision 0024)")
            try:
                self._apigateway.create_usage_plan_key(usagePlanId=self._plan, keyId=key["id"], keyType="API_KEY")
            except ClientError as error:
                if error_code(error) != "ConflictException":  # already in the plan
                    raise
            self._dynamodb.update_item(
                TableName=self._table, Key=client_item_key(client_id, external=external),
                UpdateExpression="SET #key = :value, #id = :id", ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#key": KEY_ATTRIBUTE, "#id": KEY_ID_ATTRIBUTE},
                ExpressionAttributeValues={":value": {"S": key["value"]}, ":id": {"S": key["id"]}})
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error
        return str(key["id"])

    def _existing(self, name: str) -> dict[str, Any] | None:
        found = self._apigateway.get_api_keys(nameQuery=name, includeValues=True, limit=500).get("items", [])
        return next((key for key in found if key.get("name") == name), None)

    def set_enabled(self, key_id: str, *, enabled: bool) -> bool:
        """Enables or disables one key (safe to repeat); False when API Gateway has no such key any more."""
        try:
            self._apigateway.update_api_key(apiKey=key_id, patchOperations=[
                {"op": "replace", "path": "/enabled", "value": "true" if enabled else "false"}])
        except ClientError as error:
            if error_code(error) == "NotFoundException":
                return False
            raise classify(error) from error
        except BotoCoreError as error:
            raise classify(error) from error
        return True

    def organization_key_ids(self, organization_id: str) -> list[str]:
        """The key ids of an organisation's clients (ours and the external IdP's). A Scan of the registry table
        (clients are not indexed by organisation): a suspension or reinstatement is rare, and reads keys only."""
        return [str(item[KEY_ID_ATTRIBUTE]["S"]) for item in self._scan(
            "enterprise_number = :org AND attribute_exists(#id)", {":org": {"S": organization_id}})]

    def keyless_clients(self, resume: str | None, scanned: int) -> KeylessPage:
        """One Scan page of at most ``scanned`` registry items from ``resume`` (None: the table's start): the
        clients among them without a key of their own."""
        start = _start_key(resume)
        try:
            page = self._dynamodb.scan(
                TableName=self._table, Limit=scanned, **({"ExclusiveStartKey": start} if start else {}),
                FilterExpression="((begins_with(pk, :ours) AND sk = :ours_sk) OR (begins_with(pk, :idp) AND "
                                 "sk = :idp_sk)) AND attribute_not_exists(#id)",
                ProjectionExpression="pk, enterprise_number", ExpressionAttributeNames={"#id": KEY_ID_ATTRIBUTE},
                ExpressionAttributeValues={":ours": {"S": "CLIENT#"}, ":ours_sk": {"S": "OAUTH_CLIENT"},
                                           ":idp": {"S": "IDP_CLIENT#"}, ":idp_sk": {"S": "SENDER"}})
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error
        clients = [_keyless(item) for item in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return KeylessPage(clients, b64url_encode(json.dumps(last).encode()) if last else None)

    def _scan(self, condition: str, values: dict[str, Any]) -> Iterator[dict[str, Any]]:
        try:
            pages = self._dynamodb.get_paginator("scan").paginate(
                TableName=self._table, FilterExpression=condition, ExpressionAttributeValues=values,
                ProjectionExpression="pk, #id", ExpressionAttributeNames={"#id": KEY_ID_ATTRIBUTE})
            for page in pages:
                yield from page.get("Items", [])
        except (ClientError, BotoCoreError) as error:
            raise classify(error) from error


def _keyless(item: dict[str, Any]) -> KeylessClient:
    pk = str(item["pk"]["S"])
    external = pk.startswith("IDP_CLIENT#")
    organization = item.get("enterprise_number", {}).get("S")
    return KeylessClient(pk.split("#", 1)[1], external, None if organization is None else str(organization))


def _start_key(resume: str | None) -> dict[str, Any] | None:
    if not resume:
        return None
    try:
        start = json.loads(b64url_decode(resume))
    except (ValueError, binascii.Error):
        start = None
    if not (isinstance(start, dict) and set(start) == {"pk", "sk"}
            and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in start.values())):
        raise InvalidInput("resume is the value a previous step answered")
    return start
