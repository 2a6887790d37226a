"""`/referenceData/*` of the v2.1 consultation API: message types, sender organisations and their
applications, with their names in nl/fr/de, as the e-Box shows them to enterprises."""

from __future__ import annotations

from typing import Any, Protocol

from ebox.domain.errors import NotFound
from ebox.domain.registry import MessageType, SenderApplication, SenderOrganization


class ReferenceCatalogue(Protocol):
    def message_types(self) -> list[MessageType]: ...
    def sender_organizations(self) -> list[SenderOrganization]: ...
    def sender_applications(self) -> list[SenderApplication]: ...


def page_of(items: list[dict[str, Any]], page: int, page_size: int) -> dict[str, Any]:
    return {"items": items[(page - 1) * page_size: page * page_size], "totalItems": len(items)}


def message_type_view(message_type: MessageType, applications: list[SenderApplication]) -> dict[str, Any]:
    senders = [a for a in applications if message_type.message_type_id in a.message_type_ids]
    return {
        "messageTypeId": message_type.message_type_id,
        "messageTypeName": message_type.name,
        "validityPeriod": {"validityPeriodNumber": message_type.validity.number,
                           "validityPeriodUnit": message_type.validity.unit},
        "senderOrganizationIds": sorted({a.organization_id for a in senders}),
        "senderApplicationIds": sorted({a.application_id for a in senders}),
    }


def organization_view(organization: SenderOrganization, applications: list[SenderApplication]) -> dict[str, Any]:
    own = [a for a in applications if a.organization_id == organization.organization_id]
    view: dict[str, Any] = {
        "organizationId": organization.organization_id,
        "organizationShortName": organization.short_name,
        "senderApplicationIds": sorted(a.application_id for a in own),
        "messageTypeIds": sorted({t for a in own for t in a.message_type_ids}),
    }
    if organization.long_name:
        view["organizationLongName"] = organization.long_name
    return view


def application_view(application_id: str, registrations: list[SenderApplication]) -> dict[str, Any]:
    """An application as one entry, whichever organisations publish through it."""
    first = registrations[0]
    return {
        "applicationId": application_id,
        "applicationName": first.name,
        "senderOrganizationIds": sorted({a.organization_id for a in registrations}),
        "messageTypeIds": sorted({t for a in registrations for t in a.message_type_ids}),
    }


class ReferenceData:
    def __init__(self, catalogue: ReferenceCatalogue) -> None:
        self._catalogue = catalogue

    def message_types(self) -> list[dict[str, Any]]:
        applications = self._catalogue.sender_applications()
        return [message_type_view(t, applications)
                for t in sorted(self._catalogue.message_types(), key=lambda t: t.message_type_id)]

    def message_type(self, message_type_id: str) -> dict[str, Any]:
        return _one(self.message_types(), "messageTypeId", message_type_id, "message type")

    def sender_organizations(self) -> list[dict[str, Any]]:
        applications = self._catalogue.sender_applications()
        return [organization_view(o, applications)
                for o in sorted(self._catalogue.sender_organizations(), key=lambda o: o.organization_id)]

    def sender_organization(self, organization_id: str) -> dict[str, Any]:
        return _one(self.sender_organizations(), "organizationId", organization_id, "sender organisation")

    def sender_applications(self) -> list[dict[str, Any]]:
        grouped: dict[str, list[SenderApplication]] = {}
        for application in self._catalogue.sender_applications():
            grouped.setdefault(application.application_id, []).append(application)
        return [application_view(app_id, grouped[app_id]) for app_id in sorted(grouped)]

    def sender_application(self, application_id: str) -> dict[str, Any]:
        return _one(self.sender_applications(), "applicationId", application_id, "sender application")


def _one(items: list[dict[str, Any]], key: str, value: str, kind: str) -> dict[str, Any]:
    found = next((item for item in items if item[key] == value), None)
    if found is None:
        raise NotFound(f"no {kind} '{value}'")
    return found
