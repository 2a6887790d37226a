"""A registry extract as CSV (one row per sender trio: organisation, application, message type), turned
into the JSON shape the API's registry import reads (the demo data's shape).

Columns: organizationId, organizationName_fr, organizationName_nl, organizationName_de, applicationId,
applicationName_fr/_nl/_de, messageTypeId, messageTypeName_fr/_nl/_de, validityNumber, validityUnit,
audience (enterprises | citizens | both), levels (space-separated: simple registered qualified),
businessDataKeys (space-separated, may be empty)."""

from __future__ import annotations

import csv
from io import StringIO
from typing import Any

LANGUAGES = ("fr", "nl", "de")


def _names(row: dict[str, str], prefix: str) -> dict[str, str]:
    return {lang: row[f"{prefix}_{lang}"].strip() for lang in LANGUAGES if row.get(f"{prefix}_{lang}", "").strip()}


def registry_from_csv(text: str) -> dict[str, Any]:
    """Rows grouped into message types and organisations with their applications; raises ValueError naming the
    first row at fault."""
    types: dict[str, dict[str, Any]] = {}
    organizations: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(csv.DictReader(StringIO(text)), start=2):
        try:
            type_id, org_id, app_id = row["messageTypeId"].strip(), row["organizationId"].strip(), \
                row["applicationId"].strip()
            types.setdefault(type_id, {
                "messageTypeId": type_id, "name": _names(row, "messageTypeName"),
                "validity": {"number": int(row["validityNumber"]), "unit": row["validityUnit"].strip()},
                "recipients": (row.get("audience") or "enterprises").strip(),
                "businessDataKeys": (row.get("businessDataKeys") or "").split()})
            organization = organizations.setdefault(org_id, {
                "organizationId": org_id, "shortName": _names(row, "organizationName"), "applications": []})
            application = next((a for a in organization["applications"] if a["applicationId"] == app_id), None)
            if application is None:
                application = {"applicationId": app_id, "name": _names(row, "applicationName"), "messageTypeIds": [],
                               "registeredMailTypes": []}
                organization["applications"].append(application)
        except (KeyError, ValueError, AttributeError) as error:
            raise ValueError(f"row {number}: {error!r}") from None
        application["messageTypeIds"].append(type_id)
        levels = (row.get("levels") or "simple").split()
        application["registeredMailTypes"] = sorted(set(application["registeredMailTypes"]) | (
            set(levels) & {"registered", "qualified"}))
    return {"messageTypes": list(types.values()), "senderOrganizations": list(organizations.values())}
