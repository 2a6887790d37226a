"""The national register number (SSIN, INSZ/NISS) of a person: 11 digits, birth date first, whose
last two digits are 97 − (the first nine mod 97), or, for people born from 2000, 97 − ("2" followed
by the first nine, mod 97)."""

from __future__ import annotations

from ebox.domain.encoding import ascii_digits
from ebox.domain.errors import InvalidInput

SSIN_LENGTH = 11


def is_valid_ssin(value: str) -> bool:
    if len(value) != SSIN_LENGTH or not ascii_digits(value):
        return False
    check = int(value[9:])
    return check in (97 - int(value[:9]) % 97, 97 - int("2" + value[:9]) % 97)


def normalise_ssin(value: object) -> str:
    """The SSIN as 11 digits (dots, dashes and spaces of its printed form removed), or INVALID_INPUT."""
    if not isinstance(value, str):
        raise InvalidInput("an SSIN is a string of 11 digits")
    digits = value.replace(".", "").replace("-", "").replace(" ", "")
    if not is_valid_ssin(digits):
        raise InvalidInput(f"{value!r} is not a valid SSIN (11 digits, check digits 97 − first nine mod 97)")
    return digits
