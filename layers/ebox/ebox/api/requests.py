"""Small JSON request bodies of the API, read strictly."""

from __future__ import annotations

import json
from typing import Any

from ebox.domain.errors import InvalidInput


def json_body(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("the body is not valid JSON") from None


def accept_flag(body: bytes) -> bool:
    """`{"accept": true|false}` — anything else is INVALID_INPUT."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput('the answer is JSON: {"accept": true} or {"accept": false}') from None
    if not isinstance(data, dict) or not isinstance(data.get("accept"), bool):
        raise InvalidInput('the answer is JSON: {"accept": true} or {"accept": false}')
    return bool(data["accept"])
