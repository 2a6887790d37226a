"""Message providers (federation API 1.3, `/messageProviders`) and a citizen's consent: a provider's
application (Doccle, KBC Mobile, IRISbox …) that a citizen authorised reads that citizen's e-Box with a
token naming both; the consent is recorded, checked on every request, and revocable at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ebox.domain.errors import MissingScope, NotFound


@dataclass(frozen=True)
class MessageProvider:
    provider_id: str
    description: dict[str, Any]  # the federation API's MessageProvider, as registered

    def view(self) -> dict[str, Any]:
        return {**self.description, "messageProviderId": self.provider_id}


@dataclass(frozen=True)
class Consent:
    ssin: str
    provider_id: str
    granted_at: str

    def view(self) -> dict[str, str]:
        return {"messageProviderId": self.provider_id, "grantedAt": self.granted_at}


class ProviderRegistry(Protocol):
    def message_providers(self) -> list[MessageProvider]: ...
    def message_provider(self, provider_id: str) -> MessageProvider | None: ...
    def consent(self, ssin: str, provider_id: str) -> Consent | None: ...
    def consents(self, ssin: str) -> list[Consent]: ...
    def save_consent(self, consent: Consent) -> None: ...
    def delete_consent(self, ssin: str, provider_id: str) -> None: ...


def known_provider(registry: ProviderRegistry, provider_id: str) -> MessageProvider:
    provider = registry.message_provider(provider_id)
    if provider is None:
        raise NotFound(f"message provider '{provider_id}' is not registered")
    return provider


def require_consent(registry: ProviderRegistry, ssin: str, provider_id: str) -> None:
    """A provider acts for a citizen only while the citizen's consent stands (checked on each request)."""
    if registry.consent(ssin, provider_id) is None:
        raise MissingScope(f"citizen has not authorised (or has revoked) message provider '{provider_id}'")
