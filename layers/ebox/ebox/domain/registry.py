"""What the e-Box knows about enterprises, senders and OAuth clients (the reference data)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ebox.domain.message import TranslatedString
from ebox.domain.partitions import RoutingRule


@dataclass(frozen=True)
class Enterprise:
    """An entry of the BCE/KBO register, with the state of its e-Box."""

    enterprise_number: str
    name: str
    active: bool
    ebox_activated: bool
    contact_email: str | None = None
    routing_rules: tuple[RoutingRule, ...] = ()  # ordered by the e-Box's administrator
    exclusively_ebox: bool = False  # digital-only: the enterprise wants no paper copies any more

    @property
    def ebox_id(self) -> str:
        return self.enterprise_number


@dataclass(frozen=True)
class Citizen:
    """An entry of the national register (its local stand-in), with the state of their My eBox."""

    ssin: str
    name: str
    ebox_activated: bool  # opened My eBox; otherwise a message is delivered with NO_DIGITAL_USER
    contact_email: str | None = None
    exclusively_ebox: bool = False
    active: bool = True
    routing_rules: tuple[RoutingRule, ...] = ()  # a citizen's e-Box has only GENERAL

    @property
    def ebox_id(self) -> str:
        return self.ssin


EboxHolder = Enterprise | Citizen


@dataclass(frozen=True)
class ValidityPeriod:
    number: int
    unit: str  # day | month | year


@dataclass(frozen=True)
class MessageType:
    message_type_id: str
    name: TranslatedString
    validity: ValidityPeriod
    audience: str = "enterprises"  # who may receive it: "enterprises", "citizens" or "both"
    business_data_keys: frozenset[str] = frozenset()  # the businessDataList keys allowed; empty: any


@dataclass(frozen=True)
class SenderApplication:
    """A registered trio: organisation, application and the message types it may publish."""

    organization_id: str
    application_id: str
    name: TranslatedString
    message_type_ids: frozenset[str]
    registered_mail_types: frozenset[str] = frozenset()  # which of "registered", "qualified" it may send


@dataclass(frozen=True)
class SenderOrganization:
    organization_id: str
    short_name: TranslatedString
    long_name: TranslatedString | None = None


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    secret_hash: str  # "pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>"
    enterprise_number: str | None  # None: a citizen's own client (their My eBox; ``ssin`` is set)
    allowed_scopes: frozenset[str] = field(default_factory=frozenset)
    ssin: str | None = None  # a user's own client: its tokens carry the user's SSIN
    message_provider_id: str | None = None  # a provider's application: acts for citizens who consented


@dataclass(frozen=True)
class ExternalClient:
    """A sender's client at an external OIDC provider (FAS, Cognito, Keycloak), approved by an operator: a
    token that provider issued to ``client_id`` acts for ``enterprise_number`` with ``allowed_scopes``.
    The e-Box keeps no secret of it; the provider's signature proves the client."""

    client_id: str
    issuer: str
    enterprise_number: str
    allowed_scopes: frozenset[str] = field(default_factory=frozenset)
