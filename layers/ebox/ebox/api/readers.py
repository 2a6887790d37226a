"""Who is consulting: the verified token, and for a person the rights their e-Box gives them."""

from __future__ import annotations

from collections.abc import Mapping

from ebox.api import auth
from ebox.domain.access import EboxReader, reader_for
from ebox.domain.consultation import Consultation
from ebox.domain.providers import require_consent
from ebox.wiring import Services


def ebox_reader(headers: Mapping[str, str], services: Services, scope: str) -> EboxReader:
    """The caller as a reader of its e-Box: one registry read for a person (their partitions), none
    for the enterprise's own client."""
    principal = auth.bearer_principal(headers, services, scope)
    if principal.provider_id is not None and principal.ssin is not None:  # consent may have been revoked since
        require_consent(services.registry, principal.ssin, principal.provider_id)
    user = None
    if principal.ssin is not None and principal.enterprise_number is not None:  # a person of an enterprise
        user = services.registry.ebox_user(principal.enterprise_number, principal.ssin)
    return reader_for(principal, user)


def consultation(headers: Mapping[str, str], services: Services, scope: str) -> Consultation:
    """The caller's Consultation: everything that reads a message of an e-Box goes through it."""
    return services.consultation(ebox_reader(headers, services, scope))
