"""The use cases of sender onboarding: a request (with its signed acceptance of the terms of use), an
operator's approval or refusal, a sender's suspension and reinstatement.

Approval writes the registry entries first (plain puts: writing them again changes nothing), then the
OAuth client (only if its id is free), then the decision (only while the request is PENDING): two
operators approving at once make one client, and the one whose write lost is told so."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ebox.domain.access import PUBLISH, REFERENCE_DATA, hash_secret
from ebox.domain.errors import InvalidInput, NotFound, RequestStateConflict
from ebox.domain.onboarding import (
    RequestStatus,
    SenderRequest,
    acceptance_payload,
    parse_sender_request,
    registry_entries,
)
from ebox.domain.ports import EvidenceSigner
from ebox.domain.registry import ExternalClient, OAuthClient
from ebox.domain.sender_ports import SenderRegistry, SenderRequests

SENDER_CLIENT_SCOPES = frozenset({PUBLISH, REFERENCE_DATA})


@dataclass(frozen=True)
class OnboardingPorts:
    requests: SenderRequests
    registry: SenderRegistry
    signer: EvidenceSigner


@dataclass(frozen=True)
class Approval:
    request: SenderRequest
    client_secret: str | None  # shown once: only its hash is stored; None: the client is an external IdP's
    external_issuer: str | None = None

    def view(self) -> dict[str, Any]:
        client = {"clientSecret": self.client_secret} if self.client_secret is not None else {
            "externalIssuer": self.external_issuer}
        return {**self.request.to_dict(), **client, "bulkDropPrefix": bulk_drop_prefix(self.request.organization_id)}


def bulk_drop_prefix(organization_id: str) -> str:
    """Where the sender drops bulk batches in the import bucket (docs/bulk-import.md): its own prefix."""
    return f"{organization_id}/"


def submit_request(body: Any, ports: OnboardingPorts, *, request_id: str, now: str,
                   admitted: Callable[[str], None] | None = None) -> SenderRequest:
    """``admitted``: called with the requesting organisation once the request parsed, before anything is
    signed or written (its rate limit: RateLimited refuses the request)."""
    parsed = parse_sender_request(body)
    if admitted is not None:
        admitted(parsed.organization_id)
    evidence = ports.signer.sign_jws(
        acceptance_payload(request_id, parsed.organization_id, parsed.contact, parsed.terms, now),
        typ="ebox-terms-acceptance+jws")
    request = SenderRequest(request_id=request_id, organization_id=parsed.organization_id, document=parsed.document,
                            submitted_at=now, terms_version=parsed.terms.version, terms_evidence=evidence)
    ports.requests.add(request)
    return request


def found_request(request_id: str, requests: SenderRequests) -> SenderRequest:
    request = requests.get(request_id)
    if request is None:
        raise NotFound(f"no sender request {request_id}")
    return request


def approve_request(request_id: str, ports: OnboardingPorts, *, operator: str, now: str,
                    secret_iterations: int | None = None, external_client_id: str | None = None,
                    external_issuer: str | None = None) -> Approval:
    """Approves with a client of ours (its secret answered once), or, given ``external_client_id``, with the
    client the senders' external IdP (``external_issuer``) issued: its tokens then act for this sender."""
    if external_client_id is not None and not external_issuer:
        raise InvalidInput("this platform trusts no external IdP for senders (template parameter SenderIdpIssuer): "
                           "approve without externalClientId")
    request = found_request(request_id, ports.requests)
    client_id = external_client_id or f"sender-{request.organization_id}-{request.request_id[:8]}"
    decided = request.decide(RequestStatus.APPROVED, by=operator, at=now, client_id=client_id)
    organization, applications, types = registry_entries(request)
    for message_type in types:
        if ports.registry.stored_message_type(message_type.message_type_id) is not None:
            raise RequestStateConflict(f"message type '{message_type.message_type_id}' already exists: refuse the "
                                       f"request and ask the sender for another id")
    for message_type in types:
        ports.registry.save_message_type(message_type)
    ports.registry.save_sender_organization(organization)
    for application in applications:
        ports.registry.save_sender_application(application)
    if external_client_id is not None and external_issuer:
        external = ExternalClient(client_id, external_issuer, request.organization_id, SENDER_CLIENT_SCOPES)
        if not ports.registry.add_external_client(external):
            raise RequestStateConflict(f"the IdP's client {client_id} is already a sender's")
        if not ports.requests.decide(decided):
            raise RequestStateConflict(f"request {request_id} was decided meanwhile")
        return Approval(decided, None, external_issuer)
    secret = secrets.token_urlsafe(32)
    hashed = hash_secret(secret, iterations=secret_iterations) if secret_iterations else hash_secret(secret)
    client = OAuthClient(client_id, hashed, request.organization_id, SENDER_CLIENT_SCOPES)
    if not ports.registry.add_oauth_client(client) or not ports.requests.decide(decided):
        raise RequestStateConflict(f"request {request_id} was decided meanwhile")
    return Approval(decided, secret)


def refuse_request(request_id: str, reason: str, ports: OnboardingPorts, *, operator: str, now: str) -> SenderRequest:
    request = found_request(request_id, ports.requests)
    decided = request.decide(RequestStatus.REFUSED, by=operator, at=now, reason=reason)
    if not ports.requests.decide(decided):
        raise RequestStateConflict(f"request {request_id} was decided meanwhile")
    return decided


def suspend_sender(organization_id: str, reason: str, ports: OnboardingPorts, *, operator: str,
                   now: str) -> dict[str, Any]:
    """From now on the sender's publications are refused (INVALID_SENDER); what it sent stays. An
    organisation that is not (yet) a sender may be suspended too: it then cannot publish once approved."""
    ports.registry.suspend_sender(organization_id, reason=reason, since=now, by=operator)
    return {"organizationId": organization_id, "suspended": True, "reason": reason, "since": now}


def reinstate_sender(organization_id: str, ports: OnboardingPorts) -> dict[str, Any]:
    ports.registry.reinstate_sender(organization_id)
    return {"organizationId": organization_id, "suspended": False}
