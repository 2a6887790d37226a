"""A sender's look-up of a recipient before publishing: is this enterprise number well formed, who is it
in the register, and does its e-Box receive messages? (What a manual publication screen shows as the
clerk types, and what an integration checks before it sends.)"""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import NotFound
from ebox.domain.registry import Enterprise


class Register(Protocol):
    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...


def find_recipient(raw_number: str, register: Register) -> dict[str, Any]:
    """The register's name of an active enterprise and whether its e-Box is open. A malformed number
    (check digits included) is INVALID_INPUT; one not in the register, or no longer active, NOT_FOUND."""
    number = normalise_enterprise_number(raw_number)
    enterprise = register.enterprise(number)
    if enterprise is None or not enterprise.active:
        raise NotFound(f"no active enterprise {number} in the register")
    return {"enterpriseNumber": number, "name": enterprise.name, "eboxActivated": enterprise.ebox_activated,
            "exclusivelyEbox": enterprise.ebox_activated and enterprise.exclusively_ebox}
