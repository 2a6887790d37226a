"""The rules of sender onboarding: a request's checks, what an approval writes, and the CLI's CSV import."""

from __future__ import annotations

from copy import deepcopy

import pytest
from ebox.domain.errors import InvalidInput, RequestStateConflict
from ebox.domain.onboarding import RequestStatus, SenderRequest, parse_sender_request, registry_entries
from ebox.domain.terms_of_use import current_terms
from ebox_cli.registry_csv import registry_from_csv

NAMES = {"fr": "Ville", "nl": "Stad", "de": "Stadt"}
BODY = {
    "organization": {"enterpriseNumber": "0207 436 874", "name": NAMES},
    "contact": {"name": "Claire", "email": "claire@namur.example"},
    "messageTypes": [{"messageTypeId": "tax", "name": NAMES, "validity": {"number": 6, "unit": "month"},
                      "audience": "citizens", "businessDataKeys": ["taxYear", "taxYear"]}],
    "applications": [{"applicationId": "taxes", "name": NAMES, "messageTypeIds": ["tax"],
                      "levels": ["qualified", "simple"]}],
    "termsOfUse": {"version": current_terms().version, "sha256": current_terms().sha256, "accepted": True},
}


def test_a_request_is_normalised_and_an_approval_writes_its_trio():
    parsed = parse_sender_request(deepcopy(BODY))
    assert parsed.organization_id == "0207436874"
    request = SenderRequest("r1", parsed.organization_id, parsed.document, "t", parsed.terms.version, "jws")
    assert SenderRequest.from_dict(request.to_dict()) == request
    organization, [application], [message_type] = registry_entries(request)
    assert organization.short_name == NAMES
    assert application.registered_mail_types == {"qualified"} and application.message_type_ids == {"tax"}
    assert message_type.audience == "citizens" and message_type.business_data_keys == {"taxYear"}
    decided = request.decide(RequestStatus.APPROVED, by="ops", at="t2", client_id="c")
    with pytest.raises(RequestStateConflict):
        decided.decide(RequestStatus.APPROVED, by="ops", at="t3")


@pytest.mark.parametrize("path, value", [
    (("contact", "email"), "not-an-address"),
    (("applications", 0, "messageTypeIds"), ["unknown"]),
    (("messageTypes", 0, "validity"), {"number": 0, "unit": "year"}),
    (("messageTypes", 0, "audience"), "everyone"),
    (("messageTypes", 0, "messageTypeId"), "Has Spaces"),
    (("termsOfUse", "sha256"), "another-text"),
    (("termsOfUse", "accepted"), False),
])
def test_a_malformed_request_is_refused(path, value):
    body = deepcopy(BODY)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidInput):
        parse_sender_request(body)


def test_a_csv_registry_file_becomes_the_import_shape():
    text = ("organizationId,organizationName_fr,organizationName_nl,organizationName_de,applicationId,"
            "applicationName_fr,applicationName_nl,applicationName_de,messageTypeId,messageTypeName_fr,"
            "messageTypeName_nl,messageTypeName_de,validityNumber,validityUnit,audience,levels,businessDataKeys\n"
            "0207436874,Ville,Stad,Stadt,taxes,Taxes,Belastingen,Steuern,tax,Avis,Bericht,Bescheid,1,year,both,"
            "simple registered,taxYear\n"
            "0207436874,Ville,Stad,Stadt,taxes,Taxes,Belastingen,Steuern,fine,Amende,Boete,Busse,30,day,"
            "enterprises,simple,\n")
    data = registry_from_csv(text)
    assert [t["messageTypeId"] for t in data["messageTypes"]] == ["tax", "fine"]
    [organization] = data["senderOrganizations"]
    [application] = organization["applications"]
    assert application["messageTypeIds"] == ["tax", "fine"] and application["registeredMailTypes"] == ["registered"]
    with pytest.raises(ValueError, match="row 2"):
        registry_from_csv("organizationId,messageTypeId\n0207436874,x\n")


def test_an_approval_names_an_external_client_or_nothing():
    from ebox.domain.onboarding import parse_approval

    assert parse_approval(None) is None and parse_approval({}) is None
    assert parse_approval({"externalClientId": "4p5kqnb2gm9h1e0example"}) == "4p5kqnb2gm9h1e0example"
    for body in ({"externalClientId": ""}, {"externalClientId": "a b"}, {"externalClientId": 3},
                 {"clientId": "x"}, ["x"], {"externalClientId": "x", "secret": "y"}):
        with pytest.raises(InvalidInput):
            parse_approval(body)


def test_an_external_token_acts_only_for_the_sender_an_operator_approved():
    from ebox.domain.access import PUBLISH, external_client_id, external_sender_principal
    from ebox.domain.errors import Unauthenticated
    from ebox.domain.registry import ExternalClient

    issuer = "https://idp.example/realms/senders"
    client = ExternalClient("namur", issuer, "0207436874", frozenset({PUBLISH}))
    claims = {"client_id": "namur", "enterpriseNumber": "0406798006", "scope": "everything"}
    principal = external_sender_principal(client, external_client_id(claims, client_id_claim="client_id"), issuer)
    assert principal.organization == "0207436874" and principal.scopes == {PUBLISH}  # not the token's claims
    assert external_client_id({"azp": "namur"}, client_id_claim="azp") == "namur"
    with pytest.raises(Unauthenticated):
        external_sender_principal(None, "namur", issuer)
    with pytest.raises(Unauthenticated):  # approved with another provider
        external_sender_principal(client, "namur", "https://other.example")
    with pytest.raises(Unauthenticated):
        external_client_id({"client_id": "namur", "token_use": "id"}, client_id_claim="client_id")


def test_an_external_client_needs_a_configured_provider():
    from ebox.pipeline.onboarding import approve_request

    with pytest.raises(InvalidInput, match="SenderIdpIssuer"):
        approve_request("r1", None, operator="ops", now="t", external_client_id="namur")  # type: ignore[arg-type]
