"""PATCH of the v2.1 consultation API: the messages an authorised user hides or shows again."""

from __future__ import annotations

from ebox.domain.errors import InvalidInput

MAX_UPDATES = 100


def parse_visibility_changes(body: object) -> dict[str, bool]:
    """`MessagesToUpdate` ({"items": [{"messageId", "visible"}]}) as messageId -> visible."""
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_UPDATES:
        raise InvalidInput(f'the body is {{"items": [{{"messageId": ..., "visible": true|false}}]}}, '
                           f"1 to {MAX_UPDATES} items")
    changes: dict[str, bool] = {}
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("messageId"), str) or not item["messageId"]:
            raise InvalidInput(f"item {position} needs a messageId")
        if not isinstance(item.get("visible"), bool):
            raise InvalidInput(f"item {position} needs visible: true or false")
        if item["messageId"] in changes:
            raise InvalidInput(f"message {item['messageId']} is listed twice")
        changes[item["messageId"]] = item["visible"]
    return changes
