"""The registry as one piece of work reads it (a bulk chunk, an API publication): a view that answers some
questions itself, from reads it made together, and leaves every other one to the registry."""

from __future__ import annotations

from ebox.domain.ports import Registry
from ebox.domain.registry import Citizen, Enterprise, MessageType, OAuthClient, SenderApplication, SenderOrganization


class RegistryView:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def enterprise(self, enterprise_number: str) -> Enterprise | None:
        return self._registry.enterprise(enterprise_number)

    def citizen(self, ssin: str) -> Citizen | None:
        return self._registry.citizen(ssin)

    def sender_suspended(self, organization_id: str) -> bool:
        return self._registry.sender_suspended(organization_id)

    def sender_application(self, organization_id: str, application_id: str) -> SenderApplication | None:
        return self._registry.sender_application(organization_id, application_id)

    def sender_organization(self, organization_id: str) -> SenderOrganization | None:
        return self._registry.sender_organization(organization_id)

    def message_type(self, message_type_id: str) -> MessageType | None:
        return self._registry.message_type(message_type_id)

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        return self._registry.oauth_client(client_id)
