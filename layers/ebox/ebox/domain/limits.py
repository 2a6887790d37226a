"""The bounds every request is held to before any work or write (docs/security.md has the table).

Hostile or careless input gets a clear 4xx ``StatusMessage``: never a 5xx, never unbounded work."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from ebox.domain.errors import InvalidInput, PayloadTooLarge

MAX_JSON_BYTES = 256 * 1024  # a JSON request body, or a publication's messageToPublish part
MAX_JSON_DEPTH = 16
MAX_BODY_BYTES = 64 * 1024  # a message's bodyContent, every language together, UTF-8 (the item limit is 400 KB)
MAX_BUSINESS_DATA = 50  # businessDataList items
MAX_BUSINESS_VALUES = 10  # values per business-data key
MAX_BUSINESS_KEY = 100
MAX_IDEMPOTENCY_KEY = 128
MAX_RESULT_WINDOW = 10_000  # page × pageSize: deeper pages are a filter's job, not paging's
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATE = datetime(3000, 1, 1, tzinfo=UTC)  # "until 2999" is how a filter says "ever"
# A character that would start a new line or field in an e-mail header or a log line.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def load_json(raw: bytes | str, what: str) -> Any:
    """``raw`` parsed, refused clearly when it is not JSON, too large or too deeply nested."""
    if len(raw) > MAX_JSON_BYTES:
        raise PayloadTooLarge(f"{what} is larger than {MAX_JSON_BYTES} bytes")
    if _nesting(raw) > MAX_JSON_DEPTH:
        raise InvalidInput(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidInput(f"{what} is not valid JSON: {str(error)[:200]}") from None


def _nesting(raw: bytes | str) -> int:
    """The deepest bracket nesting outside strings (before parsing, so that depth costs nothing)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_idempotency_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters")
    return key


def check_result_window(page: int, page_size: int) -> None:
    if page * page_size > MAX_RESULT_WINDOW:
        raise InvalidInput(f"page × pageSize may not exceed {MAX_RESULT_WINDOW}: narrow the filter instead")


def check_moment(name: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not EARLIEST_DATE <= moment < LATEST_DATE:
        raise InvalidInput(f"{name} lies outside {EARLIEST_DATE.year} to {LATEST_DATE.year - 1}")
    return moment


def has_line_breaks(text: str) -> bool:
    return _LINE_BREAKING.search(text) is not None


def one_line(text: str) -> str:
    """``text`` with every control or line-separating character made a space (e-mail headers, logs)."""
    return _LINE_BREAKING.sub(" ", text)
