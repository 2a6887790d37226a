"""Sender onboarding: an institution's request to publish on the e-Box, its review by a platform
operator, and the registry entries (the "trio") an approval makes.

A request names the organisation (BCE number, check digits checked), a contact, the message types it
wants to publish (names in fr/nl/de, validity period, audience, allowed business-data keys) and the
applications that publish them (with their levels: simple, registered, qualified), and it accepts the
current terms of use. Nothing here touches AWS: :mod:`ebox.pipeline.onboarding` runs the use cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ebox.domain.enterprise_number import normalise_enterprise_number
from ebox.domain.errors import InvalidInput, RequestStateConflict
from ebox.domain.recipients import AUDIENCES
from ebox.domain.registry import MessageType, SenderApplication, SenderOrganization, ValidityPeriod
from ebox.domain.terms_of_use import TermsOfUse, accepted_terms

NAME_LANGUAGES = ("fr", "nl", "de")
LEVELS = ("simple", "registered", "qualified")
VALIDITY_UNITS = ("day", "month", "year")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BUSINESS_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
# A client id at an external IdP: Cognito's 26 alphanumerics, Keycloak's names, FAS's URNs or UUIDs.
_EXTERNAL_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")


class RequestStatus(StrEnum):
    """A request waits (PENDING) for one decision: APPROVED or REFUSED."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"


@dataclass(frozen=True)
class SenderRequest:
    """A request as recorded: ``document`` is the validated, normalised body the institution sent."""

    request_id: str
    organization_id: str
    document: dict[str, Any]
    submitted_at: str
    terms_version: str
    terms_evidence: str  # a JWS signed by the evidence key: who accepted which terms, when
    status: RequestStatus = RequestStatus.PENDING
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None
    client_id: str | None = None

    def decide(self, status: RequestStatus, *, by: str, at: str, reason: str | None = None,
               client_id: str | None = None) -> SenderRequest:
        if self.status != RequestStatus.PENDING:
            raise RequestStateConflict(f"request {self.request_id} was already {self.status.lower()}")
        return replace(self, status=status, decided_by=by, decided_at=at, reason=reason, client_id=client_id)

    def to_dict(self) -> dict[str, Any]:
        view = {"requestId": self.request_id, "organizationId": self.organization_id, "status": self.status,
                "submittedAt": self.submitted_at, "termsOfUse": {"version": self.terms_version,
                                                                 "evidence": self.terms_evidence},
                **{k: v for k, v in self.document.items() if k != "termsOfUse"}}
        for key, value in (("decidedAt", self.decided_at), ("decidedBy", self.decided_by), ("reason", self.reason),
                           ("clientId", self.client_id)):
            if value is not None:
                view[key] = value
        return view

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SenderRequest:
        document = {k: v for k, v in data.items() if k in ("organization", "contact", "messageTypes", "applications")}
        return cls(request_id=data["requestId"], organization_id=data["organizationId"], document=document,
                   submitted_at=data["submittedAt"], terms_version=data["termsOfUse"]["version"],
                   terms_evidence=data["termsOfUse"]["evidence"], status=RequestStatus(data["status"]),
                   decided_at=data.get("decidedAt"), decided_by=data.get("decidedBy"), reason=data.get("reason"),
                   client_id=data.get("clientId"))


@dataclass(frozen=True)
class ParsedRequest:
    organization_id: str
    document: dict[str, Any]
    terms: TermsOfUse
    contact: dict[str, str] = field(default_factory=dict)


def parse_sender_request(data: Any) -> ParsedRequest:
    """Validates a request body; raises InvalidInput naming the first field at fault."""
    if not isinstance(data, dict):
        raise InvalidInput("a sender request is a JSON object")
    organization = _object(data, "organization")
    number = normalise_enterprise_number(str(organization.get("enterpriseNumber", "")))
    contact = _contact(_object(data, "contact"))
    types = [_message_type(item, f"messageTypes[{i}]") for i, item in enumerate(_list(data, "messageTypes"))]
    type_ids = [t["messageTypeId"] for t in types]
    if len(set(type_ids)) != len(type_ids):
        raise InvalidInput("messageTypes: each messageTypeId appears once")
    apps = [_application(item, f"applications[{i}]", set(type_ids)) for i, item in
            enumerate(_list(data, "applications"))]
    if len({a["applicationId"] for a in apps}) != len(apps):
        raise InvalidInput("applications: each applicationId appears once")
    terms_data = _object(data, "termsOfUse")
    if terms_data.get("accepted") is not True:
        raise InvalidInput("termsOfUse.accepted must be true: a sender publishes only under the terms of use")
    terms = accepted_terms(terms_data.get("version"), terms_data.get("sha256"))
    document = {
        "organization": {"enterpriseNumber": number, "name": _names(organization.get("name"), "organization.name")},
        "contact": contact, "messageTypes": types, "applications": apps,
    }
    return ParsedRequest(number, document, terms, contact)


def registry_entries(request: SenderRequest) -> tuple[SenderOrganization, list[SenderApplication], list[MessageType]]:
    """What an approval writes to the registry: the organisation, its applications, its message types."""
    doc = request.document
    organization = SenderOrganization(request.organization_id, doc["organization"]["name"])
    applications = [
        SenderApplication(request.organization_id, a["applicationId"], a["name"], frozenset(a["messageTypeIds"]),
                          frozenset(level for level in a["levels"] if level != "simple"))
        for a in doc["applications"]]
    types = [
        MessageType(t["messageTypeId"], t["name"], ValidityPeriod(t["validity"]["number"], t["validity"]["unit"]),
                    t["audience"], frozenset(t["businessDataKeys"]))
        for t in doc["messageTypes"]]
    return organization, applications, types


def acceptance_payload(request_id: str, organization_id: str, contact: dict[str, str], terms: TermsOfUse,
                       at: str) -> dict[str, Any]:
    """The signed record of an acceptance: who (the named contact, for the organisation), when, which text."""
    return {"type": "TermsOfUseAccepted", "requestId": request_id, "organizationId": organization_id,
            "acceptedBy": {"name": contact["name"], "email": contact["email"]}, "acceptedAt": at,
            "termsVersion": terms.version, "termsSha256": terms.sha256}


def parse_approval(data: Any) -> str | None:
    """An approval's body: none (a client of ours, its secret shown once) or ``{"externalClientId": "…"}``,
    the client id the senders' external IdP issued to this sender."""
    if data is None or data == {}:
        return None
    client_id = data.get("externalClientId") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"externalClientId"}:
        raise InvalidInput('an approval\'s body is empty or {"externalClientId": "<the IdP\'s client id>"}')
    if not isinstance(client_id, str) or not _EXTERNAL_CLIENT_ID.match(client_id):
        raise InvalidInput("externalClientId is 1 to 128 letters, digits and . _ : @ / - (starting with a letter "
                           "or digit)")
    return client_id


def parse_reason(data: Any) -> str:
    reason = data.get("reason") if isinstance(data, dict) else None
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise InvalidInput("a reason (1 to 1000 characters) is required")
    return reason.strip()


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise InvalidInput(f"{name} is required (an object)")
    return value


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if not isinstance(value, list) or not value or len(value) > 50:
        raise InvalidInput(f"{name} is required: a list of 1 to 50 entries")
    return value


def _names(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          or len(value[lang]) > 200 for lang in NAME_LANGUAGES):
        raise InvalidInput(f"{where} needs a name in each of fr, nl and de (1 to 200 characters)")
    return {lang: value[lang].strip() for lang in NAME_LANGUAGES}


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise InvalidInput(f"{where} is 2 to 63 lower-case letters, digits or '-'")
    return value


def _contact(value: dict[str, Any]) -> dict[str, str]:
    name, email = value.get("name"), value.get("email")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidInput("contact.name is required")
    if not isinstance(email, str) or not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput("contact.email is required: an e-mail address")
    contact = {"name": name.strip(), "email": email}
    if isinstance(value.get("phone"), str) and value["phone"].strip():
        contact["phone"] = value["phone"].strip()[:40]
    return contact


def _message_type(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} is an object")
    validity = item.get("validity")
    number = validity.get("number") if isinstance(validity, dict) else None
    if not isinstance(validity, dict) or validity.get("unit") not in VALIDITY_UNITS or type(number) is not int \
            or not 1 <= number <= 3650:
        raise InvalidInput(f"{where}.validity is {{number: 1..3650, unit: day|month|year}}")
    audience = item.get("audience", "enterprises")
    if audience not in AUDIENCES:
        raise InvalidInput(f"{where}.audience is one of {', '.join(AUDIENCES)}")
    keys = item.get("businessDataKeys", [])
    if not isinstance(keys, list) or len(keys) > 30 or any(not isinstance(k, str) or not _BUSINESS_KEY.match(k)
                                                            for k in keys):
        raise InvalidInput(f"{where}.businessDataKeys is a list of at most 30 keys (letters, digits, _ . -)")
    return {"messageTypeId": _identifier(item.get("messageTypeId"), f"{where}.messageTypeId"),
            "name": _names(item.get("name"), f"{where}.name"),
            "validity": {"number": validity["number"], "unit": validity["unit"]},
            "audience": audience, "businessDataKeys": sorted(set(keys))}


def _application(item: Any, where: str, type_ids: set[str]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidInput(f"{where} is an object")
    wanted = item.get("messageTypeIds")
    if not isinstance(wanted, list) or not wanted or any(t not in type_ids for t in wanted):
        raise InvalidInput(f"{where}.messageTypeIds lists message types of this request's messageTypes")
    levels = item.get("levels", ["simple"])
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        raise InvalidInput(f"{where}.levels is a non-empty list of {', '.join(LEVELS)}")
    return {"applicationId": _identifier(item.get("applicationId"), f"{where}.applicationId"),
            "name": _names(item.get("name"), f"{where}.name"), "messageTypeIds": sorted(set(wanted)),
            "levels": [level for level in LEVELS if level in levels]}
