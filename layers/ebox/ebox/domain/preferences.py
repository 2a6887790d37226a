"""The digital-only preference (federation API 1.3, `EboxPreferences`): an enterprise or a citizen
declares that it reads only its e-Box (`exclusivelyEbox`), and senders ask before deciding to print
and post. `eboxType` ENTERPRISE (`eboxIdType` EnterpriseNumber) or CITIZEN (SSIN)."""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.access import EboxReader
from ebox.domain.clock import now_timestamp
from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import EboxError, InvalidInput, NotFound
from ebox.domain.ports import EboxEvents, EboxSummary
from ebox.domain.recipients import ebox_holder
from ebox.domain.registry import Citizen, EboxHolder, Enterprise
from ebox.domain.ssin import normalise_ssin

MAX_IDS = 100
ENTERPRISE = "ENTERPRISE"
CITIZEN = "CITIZEN"
ID_TYPES = {ENTERPRISE: ("enterprisenumber",), CITIZEN: ("ssin", "insz", "niss")}


class PreferenceStore(Protocol):
    def enterprise(self, enterprise_number: str) -> Enterprise | None: ...
    def citizen(self, ssin: str) -> Citizen | None: ...
    def save_exclusively_ebox(self, ebox_id: str, exclusively: bool) -> None: ...


class Counters(Protocol):
    def summary(self, enterprise_number: str) -> EboxSummary: ...


def _number(value: object) -> str:
    try:
        return normalise_enterprise_number(str(value))
    except EboxError:
        raise InvalidInput(f"{value!r} is not an enterprise number") from None


def _id(ebox_type: str, value: object) -> str:
    if ebox_type == CITIZEN:
        return normalise_ssin(value)
    return _number(value)


def parse_search(body: object) -> list[str]:
    """`EboxIdSameTypeList`: {"eboxType": "ENTERPRISE" | "CITIZEN", "eboxIdType": "EnterpriseNumber" |
    "SSIN", "eboxIdValueList"}; the e-Box ids asked for."""
    if not isinstance(body, dict):
        raise InvalidInput('the body is {"eboxType": "ENTERPRISE", "eboxIdType": "EnterpriseNumber", '
                           '"eboxIdValueList": [...]}')
    ebox_type = str(body.get("eboxType", "")).upper()
    if ebox_type not in ID_TYPES:
        raise InvalidInput("eboxType must be ENTERPRISE or CITIZEN")
    if str(body.get("eboxIdType", "")).lower() not in ID_TYPES[ebox_type]:
        raise InvalidInput("eboxIdType must be EnterpriseNumber (ENTERPRISE) or SSIN (CITIZEN)")
    values = body.get("eboxIdValueList")
    if not isinstance(values, list) or not 1 <= len(values) <= MAX_IDS:
        raise InvalidInput(f"eboxIdValueList is a list of 1 to {MAX_IDS} identifiers")
    return list(dict.fromkeys(_id(ebox_type, v) for v in values))


def preference_view(holder: EboxHolder, summary: EboxSummary) -> dict[str, Any]:
    view: dict[str, Any] = {
        "eboxId": {"eboxType": CITIZEN if isinstance(holder, Citizen) else ENTERPRISE, "eboxIdValue": holder.ebox_id},
        "exclusivelyEbox": holder.ebox_activated and holder.exclusively_ebox,
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
        holder = ebox_holder(store, number)
        if holder is not None and holder.active:
            found.append(preference_view(holder, counters.summary(number)))
    if not found:
        raise NotFound("none of these e-Boxes exists")
    return found


def update_preference(body: object, reader: EboxReader, store: PreferenceStore, counters: Counters,
                      events: EboxEvents | None = None) -> dict[str, Any]:
    """`EboxPreferencesToUpdate` for the caller's own e-Box, by one of its administrators or the citizen;
    announced on the bus (EboxPreferenceChanged) for the statistics."""
    if reader.ebox_type != "citizen":
        reader.require_admin()
    if not isinstance(body, dict) or not isinstance(body.get("exclusivelyEbox"), bool):
        raise InvalidInput('the body is {"eboxId": {"eboxType": "ENTERPRISE" | "CITIZEN", "eboxIdValue": ...}, '
                           '"exclusivelyEbox": true|false}')
    ebox_id = body.get("eboxId")
    ebox_type = str(ebox_id.get("eboxType", "")).upper() if isinstance(ebox_id, dict) else ""
    if not isinstance(ebox_id, dict) or ebox_type not in ID_TYPES:
        raise InvalidInput("eboxId is {\"eboxType\": \"ENTERPRISE\" | \"CITIZEN\", \"eboxIdValue\": ...}")
    if _id(ebox_type, ebox_id.get("eboxIdValue")) != reader.enterprise_number:
        raise NotFound("an e-Box's holder sets only its own e-Box's preferences")
    store.save_exclusively_ebox(reader.enterprise_number, body["exclusivelyEbox"])
    if events is not None:
        events.ebox_preference_changed(reader.enterprise_number, reader.ebox_type, body["exclusivelyEbox"],
                                       now_timestamp())
    holder = ebox_holder(store, reader.enterprise_number)
    if holder is None:
        raise NotFound(f"e-Box {reader.enterprise_number} is not in the register")
    return preference_view(holder, counters.summary(reader.enterprise_number))
