"""API Gateway usage keys of the API's clients (decision 0024). Each approved or imported client gets an API key
in the clients' usage plan; its value sits on the client's registry item (``usage_key``), where the API's
authorizer reads it and hands it to API Gateway as the request's ``usageIdentifierKey``
(``ApiKeySourceType: AUTHORIZER``). Clients never see or send it: the value identifies, it does not
authenticate (the bearer token does), so it is stored like any other attribute.

:class:`ApiGatewayUsageKeys` creates keys (the sender registry function's role alone may);
:class:`RegistryUsageKeys` only reads them (the authorizer's)."""

from __future__ import annotations

import secrets
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import classify, error_code

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
