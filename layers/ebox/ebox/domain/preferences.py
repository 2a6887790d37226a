"""The digital-only preference (federation API 1.3, `EboxPreferences`): an enterprise declares that
it reads only its e-Box (`exclusivelyEbox`), and senders ask before deciding to print and post."""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.access import EboxReader
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import EboxError, InvalidInput, NotFound
from ebox.domain.ports import EboxSummary
from ebox.domain.registry import Enterprise

MAX_IDS = 100
ENTERPRISE = "ENTERPRISE"


class PreferenceStore(Protocol):
    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...
    def save_exclusively_ebox(self, enterprise_number: str, exclusively: bool) -> None: ...


class Counters(Protocol):
    def summary(self, enterprise_number: str) -> EboxSummary: ...


def _number(value: object) -> str:
    try:
        return normalise_enterprise_number(str(value))
    except EboxError:
        raise InvalidInput(f"{value!r} is not an enterprise number") from None


def parse_search(body: object) -> list[str]:
    """`EboxIdSameTypeList`: {"eboxType": "ENTERPRISE", "eboxIdType": "EnterpriseNumber", "eboxIdValueList"}."""
    if not isinstance(body, dict):
        raise InvalidInput('the body is {"eboxType": "ENTERPRISE", "eboxIdType": "EnterpriseNumber", '
                           '"eboxIdValueList": [...]}')
    if str(body.get("eboxType", "")).upper() != ENTERPRISE:
        raise InvalidInput("eboxType must be ENTERPRISE (this e-Box holds enterprises' e-Boxes)")
    if str(body.get("eboxIdType", "")).lower() != "enterprisenumber":
        raise InvalidInput("eboxIdType must be EnterpriseNumber")
    values = body.get("eboxIdValueList")
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_IDS:
        raise InvalidInput(f"eboxIdValueList is a list of 1 to {MAX_IDS} enterprise numbers")
    return list(dict.fromkeys(_number(v) for v in values))


def preference_view(enterprise: Enterprise, summary: EboxSummary) -> dict[str, Any]:
    view: dict[str, Any] = {
        "eboxId": {"eboxType": ENTERPRISE, "eboxIdValue": enterprise.enterprise_number},
        "exclusivelyEbox": enterprise.ebox_activated and enterprise.exclusively_ebox,
        "totalNumberOfMessages": summary.number_of_messages,
        "totalNumberOfUnreadMessages": summary.number_of_unread_messages,
    }
    if summary.last_consultation_date:
        view["lastConnectionDate"] = summary.last_consultation_date
    return view


def search_preferences(numbers: list[str], store: PreferenceStore, counters: Counters) -> list[dict[str, Any]]:
    """The preferences of the e-Boxes asked for; numbers not in the register are left out, and if
    none is, the answer is 404 (as the federation API's "Ebox not found")."""
    found = []
    for number in numbers:
        enterprise = store.enterprise(number)
        if enterprise is not None and enterprise.active:
            found.append(preference_view(enterprise, counters.summary(number)))
    if not found:
        raise NotFound("none of these e-Boxes exists")
    return found


def update_preference(body: object, reader: EboxReader, store: PreferenceStore, counters: Counters) -> dict[str, Any]:
    """`EboxPreferencesToUpdate` for the caller's own e-Box, by one of its administrators."""
    reader.require_admin()
    if not isinstance(body, dict) or not isinstance(body.get("exclusivelyEbox"), bool):
        raise InvalidInput('the body is {"eboxId": {"eboxType": "ENTERPRISE", "eboxIdValue": ...}, '
                           '"exclusivelyEbox": true|false}')
    ebox_id = body.get("eboxId")
    if not isinstance(ebox_id, dict) or str(ebox_id.get("eboxType", "")).upper() != ENTERPRISE:
        raise InvalidInput("eboxId is {\"eboxType\": \"ENTERPRISE\", \"eboxIdValue\": <enterprise number>}")
    if _number(ebox_id.get("eboxIdValue")) != reader.enterprise_number:
        raise NotFound("an enterprise sets only its own e-Box's preferences")
    store.save_exclusively_ebox(reader.enterprise_number, body["exclusivelyEbox"])
    enterprise = store.enterprise(reader.enterprise_number)
    if enterprise is None:
        raise NotFound(f"e-Box {reader.enterprise_number} is not in the register")
    return preference_view(enterprise, counters.summary(reader.enterprise_number))
