"""Belgian enterprise numbers (BCE/KBO): 10 digits, first 0 or 1, modulo-97 check on the last two."""

from __future__ import annotations

import re

from ebox.domain.encoding import ascii_digits
from ebox.domain.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s.\-/]")


def normalise_enterprise_number(raw: str) -> str:
    """The canonical 10-digit form of ``raw``; an old 9-digit form gets its leading zero back.

    Raises :class:`InvalidInput` when ``raw`` is not a well-formed number with a valid check.
    """
    digits = _SEPARATORS.sub("", raw or "")
    if len(digits) == 9 and ascii_digits(digits):
        digits = "0" + digits
    if len(digits) != 10 or not ascii_digits(digits) or digits[0] not in "01":
        raise InvalidInput(f"'{raw}' is not an enterprise number: 10 digits starting with 0 or 1")
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise InvalidInput(f"'{raw}' is not a valid enterprise number: its check digits are wrong")
    return digits


def is_valid_enterprise_number(raw: str) -> bool:
    try:
        normalise_enterprise_number(raw)
    except InvalidInput:
        return False
    return True
