"""The composition root: builds each adapter from the configuration, lazily, once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ebox.config import Config, load_config


@dataclass
class Services:
    config: Config

    def client(self, service: str) -> Any:
        from ebox.adapters.aws_clients import aws_client

        if self.config.tracing:
            _trace_aws_calls()
        return aws_client(service, region=self.config.region, endpoint_url=self.config.endpoint_for(service))

    @cached_property
    def _tables_bound(self) -> Any:
        from ebox.adapters.tables import bind_tables

        if self.config.tracing:
            _trace_aws_calls()
        return bind_tables(
            registry_table=self.config.registry_table,
            messages_table=self.config.messages_table,
            region=self.config.region,
            endpoint_url=self.config.endpoint_for("dynamodb"),
        )

    @cached_property
    def registry(self) -> Any:
        from ebox.adapters.registry import DynamoRegistry

        assert self._tables_bound
        return DynamoRegistry()

    @cached_property
    def index(self) -> Any:
        from ebox.adapters.message_index import DynamoMessageIndex

        return DynamoMessageIndex(self._tables_bound)

    @cached_property
    def audit(self) -> Any:
        from ebox.adapters.audit_trail import DynamoAuditTrail

        assert self._tables_bound
        return DynamoAuditTrail()

    @cached_property
    def notification_preferences(self) -> Any:
        from ebox.adapters.notification_store import DynamoNotificationPreferences

        assert self._tables_bound
        return DynamoNotificationPreferences()

    @cached_property
    def notification_claims(self) -> Any:
        from ebox.adapters.notification_store import DynamoNotificationClaims

        assert self._tables_bound
        return DynamoNotificationClaims()

    @cached_property
    def due_messages(self) -> Any:
        from ebox.adapters.due_messages import DynamoDueMessages

        assert self._tables_bound
        return DynamoDueMessages()

    @cached_property
    def content(self) -> Any:
        from ebox.adapters.content_store import S3ContentStore

        return S3ContentStore(
            self.client("s3"), bucket=self.config.content_bucket, kms_key_id=self.config.content_key_id
        )

    @cached_property
    def events(self) -> Any:
        from ebox.adapters.message_events import EventBridgeMessageEvents

        return EventBridgeMessageEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def buffered_events(self) -> Any:
        """Events put ten per PutEvents call; whoever uses it calls ``flush()`` before returning."""
        from ebox.adapters.buffered_events import BufferedMessageEvents

        return BufferedMessageEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def outbox_events(self) -> Any:
        """The outbox consumer's events: put ten per PutEvents; a failure raises (the batch is retried)."""
        from ebox.adapters.buffered_events import OutboxEvents

        return OutboxEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def mailer(self) -> Any:
        from ebox.adapters.mailer import SesMailer

        return SesMailer(self.client("ses"), sender=self.config.mail_from)

    @cached_property
    def token_signer(self) -> Any:
        from ebox.adapters.kms_signer import KmsEs256Signer

        return KmsEs256Signer(self.client("kms"), key_id=self.config.token_signing_key_id)

    @cached_property
    def evidence_signer(self) -> Any:
        """The KMS evidence key: it endorses the record signers' keys (and is the verifiers' anchor)."""
        from ebox.adapters.kms_signer import KmsEs256Signer

        return KmsEs256Signer(self.client("kms"), key_id=self.config.evidence_key_id)

    @cached_property
    def evidence_keys(self) -> Any:
        from ebox.adapters.key_directory import DynamoKeyDirectory

        return DynamoKeyDirectory(self.client("dynamodb"), table=self.config.messages_table)

    @cached_property
    def record_signer(self) -> Any:
        """Signs evidence records with this process's own key, endorsed by the KMS key once a day
        (no KMS call per record: docs/decisions/0010-publication-path.md)."""
        from ebox.adapters.endorsed_signer import EndorsedKeySigner

        return EndorsedKeySigner(self.evidence_signer, self.evidence_keys)

    @cached_property
    def delivery_states(self) -> Any:
        from ebox.adapters.message_index import DynamoDeliveryStates

        return DynamoDeliveryStates(self._tables_bound)

    @cached_property
    def workflow(self) -> Any:
        from ebox.adapters.workflow import StepFunctionsWorkflow

        return StepFunctionsWorkflow(self.client("stepfunctions"))

    @cached_property
    def evidence_archive(self) -> Any:
        from ebox.adapters.evidence_archive import S3EvidenceArchive

        return S3EvidenceArchive(self.client("s3"), bucket=self.config.evidence_bucket)

    @cached_property
    def timestamper(self) -> Any:
        """The RFC 3161 client of the configured TSA, or None when none is configured."""
        if not self.config.tsa_url:
            return None
        from ebox.adapters.timestamping import Rfc3161Timestamper

        return Rfc3161Timestamper(self.config.tsa_url)

    @cached_property
    def token_verifier(self) -> Any:
        from ebox.adapters.token_verifier import JwtVerifier

        local = None if self.config.jwks_url else (lambda: {"keys": [self.token_signer.jwk()]})
        return JwtVerifier(
            issuer=self.config.token_issuer,
            audience=self.config.token_audience,
            jwks_url=self.config.jwks_url,
            local_jwks=local,
        )


@functools.cache
def _trace_aws_calls() -> None:
    """X-Ray subsegments for every AWS call; loaded only when Lambda traces (it costs ~0.4 s to import)."""
    from aws_xray_sdk.core import patch

    patch(["botocore"])


@functools.cache
def services() -> Services:
    """The process-wide services, built from the environment at first use (a Lambda cold start)."""
    return Services(load_config())


def reset_services() -> None:
    """Forgets the cached services (tests that change the environment call this)."""
    services.cache_clear()
