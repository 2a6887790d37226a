"""The message registry's adapters, built from the configuration, lazily, once per process (part of the
composition root, :mod:`ebox.wiring`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ebox.config import Config
from ebox.domain.publication import PublicationPorts

if TYPE_CHECKING:
    from pynamodb.connection import Connection

    from ebox.adapters.archive_entries import DynamoArchiveEntries
    from ebox.adapters.audit_trail import DynamoAuditTrail
    from ebox.adapters.buffered_events import BufferedMessageEvents, OutboxEvents
    from ebox.adapters.content_store import S3ContentStore
    from ebox.adapters.delivery_states import DynamoDeliveryStates
    from ebox.adapters.document_uploads import S3DocumentUploads
    from ebox.adapters.due_messages import DynamoDueMessages
    from ebox.adapters.endorsed_signer import EndorsedKeySigner
    from ebox.adapters.evidence_archive import S3EvidenceArchive
    from ebox.adapters.key_directory import DynamoKeyDirectory
    from ebox.adapters.kms_signer import KmsEs256Signer
    from ebox.adapters.mailer import SesMailer
    from ebox.adapters.message_events import EventBridgeMessageEvents
    from ebox.adapters.message_index import DynamoMessageIndex
    from ebox.adapters.notification_store import DynamoNotificationClaims, DynamoNotificationPreferences
    from ebox.adapters.rate_counters import DynamoRateCounters
    from ebox.adapters.registry import DynamoRegistry
    from ebox.adapters.statistics_store import DynamoStatistics
    from ebox.adapters.streamed_counters import DynamoStreamedCounters
    from ebox.adapters.timestamping import Rfc3161Timestamper
    from ebox.adapters.token_verifier import JwtVerifier
    from ebox.adapters.workflow import StepFunctionsWorkflow
    from ebox.domain.access import EboxReader
    from ebox.domain.consultation import Consultation
    from ebox.domain.message import Recipient
    from ebox.domain.ports import Registry
    from ebox.pipeline.audit_steps import AuditPorts
    from ebox.pipeline.delivery_steps import DeliveryPorts
    from ebox.pipeline.evidence_archiving import ArchivingPorts
    from ebox.pipeline.notification_steps import NotificationPorts
    from ebox.pipeline.outbox import OutboxPorts
    from ebox.pipeline.statistics_backfill import BackfillPorts


@dataclass
class MessageServices:
    """The process-wide adapters of the message registry (the API and the pipeline's steps); the
    bulk imports', downloads' and senders' adapters build on them (:class:`ebox.wiring.Services`)."""

    config: Config

    def client(self, service: str) -> object:
        """The boto3 client of ``service``, handed as it is to an adapter built here (boto3 clients are
        untyped: each adapter's own ``Any`` parameter takes it; the root never calls it)."""
        from ebox.adapters.aws_clients import aws_client

        if self.config.tracing:
            _trace_aws_calls()
        return aws_client(service, region=self.config.region, endpoint_url=self.config.endpoint_for(service))

    @cached_property
    def _tables(self) -> Connection:
        from ebox.adapters.tables.binding import bind_tables

        if self.config.tracing:
            _trace_aws_calls()
        return bind_tables(
            registry_table=self.config.registry_table,
            messages_table=self.config.messages_table,
            region=self.config.region,
            endpoint_url=self.config.endpoint_for("dynamodb"),
        )

    @cached_property
    def registry(self) -> DynamoRegistry:
        from ebox.adapters.registry import DynamoRegistry

        assert self._tables
        return DynamoRegistry()

    @cached_property
    def index(self) -> DynamoMessageIndex:
        from ebox.adapters.message_index import DynamoMessageIndex

        return DynamoMessageIndex(self._tables)

    @cached_property
    def audit(self) -> DynamoAuditTrail:
        from ebox.adapters.audit_trail import DynamoAuditTrail

        assert self._tables
        return DynamoAuditTrail()

    @cached_property
    def notification_preferences(self) -> DynamoNotificationPreferences:
        from ebox.adapters.notification_store import DynamoNotificationPreferences

        assert self._tables
        return DynamoNotificationPreferences()

    @cached_property
    def notification_claims(self) -> DynamoNotificationClaims:
        from ebox.adapters.notification_store import DynamoNotificationClaims

        assert self._tables
        return DynamoNotificationClaims()

    @cached_property
    def due_messages(self) -> DynamoDueMessages:
        from ebox.adapters.due_messages import DynamoDueMessages

        assert self._tables
        return DynamoDueMessages()

    @cached_property
    def content(self) -> S3ContentStore:
        from ebox.adapters.content_store import S3ContentStore

        return S3ContentStore(
            self.client("s3"), bucket=self.config.content_bucket, kms_key_id=self.config.content_key_id
        )

    @cached_property
    def document_uploads(self) -> S3DocumentUploads:
        from ebox.adapters.document_uploads import S3DocumentUploads

        return S3DocumentUploads(self.client("s3"), bucket=self.config.content_bucket)

    @cached_property
    def events(self) -> EventBridgeMessageEvents:
        from ebox.adapters.message_events import EventBridgeMessageEvents

        return EventBridgeMessageEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def buffered_events(self) -> BufferedMessageEvents:
        """Events put ten per PutEvents call; whoever uses it calls ``flush()`` before returning."""
        return self.new_buffered_events()

    def new_buffered_events(self) -> BufferedMessageEvents:
        """A fresh buffer of events (one per bulk chunk)."""
        from ebox.adapters.buffered_events import BufferedMessageEvents

        return BufferedMessageEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def outbox_events(self) -> OutboxEvents:
        """The outbox consumer's events: put ten per PutEvents; a failure raises (the batch is retried)."""
        from ebox.adapters.buffered_events import OutboxEvents

        return OutboxEvents(self.client("events"), bus_name=self.config.event_bus)

    @cached_property
    def mailer(self) -> SesMailer:
        from ebox.adapters.mailer import SesMailer

        return SesMailer(self.client("ses"), sender=self.config.mail_from)

    @cached_property
    def token_signer(self) -> KmsEs256Signer:
        from ebox.adapters.kms_signer import KmsEs256Signer

        return KmsEs256Signer(self.client("kms"), key_id=self.config.token_signing_key_id)

    @cached_property
    def evidence_signer(self) -> KmsEs256Signer:
        """The KMS evidence key: it endorses the record signers' keys (and is the verifiers' anchor)."""
        from ebox.adapters.kms_signer import KmsEs256Signer

        return KmsEs256Signer(self.client("kms"), key_id=self.config.evidence_key_id)

    @cached_property
    def evidence_keys(self) -> DynamoKeyDirectory:
        from ebox.adapters.key_directory import DynamoKeyDirectory

        return DynamoKeyDirectory(self.client("dynamodb"), table=self.config.messages_table)

    @cached_property
    def record_signer(self) -> EndorsedKeySigner:
        """Signs evidence records with this process's own key, endorsed by the KMS key once a day
        (no KMS call per record: docs/decisions/0010-publication-path.md)."""
        from ebox.adapters.endorsed_signer import EndorsedKeySigner

        return EndorsedKeySigner(self.evidence_signer, self.evidence_keys)

    @cached_property
    def delivery_states(self) -> DynamoDeliveryStates:
        from ebox.adapters.delivery_states import DynamoDeliveryStates

        return DynamoDeliveryStates(self._tables)

    @cached_property
    def workflow(self) -> StepFunctionsWorkflow:
        from ebox.adapters.workflow import StepFunctionsWorkflow

        return StepFunctionsWorkflow(self.client("stepfunctions"))

    @cached_property
    def evidence_archive(self) -> S3EvidenceArchive:
        from ebox.adapters.evidence_archive import S3EvidenceArchive

        return S3EvidenceArchive(self.client("s3"), bucket=self.config.evidence_bucket)

    @cached_property
    def timestamper(self) -> Rfc3161Timestamper | None:
        """The RFC 3161 client of the configured TSA, or None when none is configured."""
        if not self.config.tsa_url:
            return None
        from ebox.adapters.timestamping import Rfc3161Timestamper

        return Rfc3161Timestamper(self.config.tsa_url)

    @cached_property
    def token_verifier(self) -> JwtVerifier:
        from ebox.adapters.token_verifier import JwtVerifier

        local = None if self.config.jwks_url else (lambda: {"keys": [self.token_signer.jwk()]})
        return JwtVerifier(
            issuer=self.config.token_issuer,
            audience=self.config.token_audience,
            jwks_url=self.config.jwks_url,
            local_jwks=local,
        )

    @cached_property
    def sender_idp_verifier(self) -> JwtVerifier | None:
        """The external IdP whose approved clients are senders (EBOX_SENDER_IDP_*); None when there is none."""
        config = self.config
        if not (config.sender_idp_issuer and config.sender_idp_jwks_url):
            return None
        from ebox.adapters.token_verifier import JwtVerifier

        return JwtVerifier(issuer=config.sender_idp_issuer, audience=config.sender_idp_audience or None,
                           jwks_url=config.sender_idp_jwks_url)

    def publication_ports(self, parties: tuple[str, Recipient] | None = None) -> PublicationPorts:
        """What publishing a message through the API needs (a publication or a reply). Given its sender
        organisation and recipient, the two registry reads every publication makes are one call."""
        registry: Registry = self.registry
        if parties is not None:
            from ebox.adapters.publication_registry import PublicationRegistry

            organization_id, recipient = parties
            registry = PublicationRegistry(self.registry, self._tables, organization_id=organization_id,
                                           recipient=recipient)
        return PublicationPorts(registry, self.content, self.index, self.events, self.record_signer)

    def consultation(self, reader: EboxReader) -> Consultation:
        """Everything that reads a message of an e-Box for ``reader`` goes through it."""
        from ebox.domain.consultation import Consultation

        return Consultation.for_reader(reader, index=self.index, content=self.content, events=self.events,
                                       signer=self.record_signer)

    def audit_ports(self) -> AuditPorts:
        from ebox.pipeline.audit_steps import AuditPorts

        return AuditPorts(audit=self.audit)

    @cached_property
    def archive_entries(self) -> DynamoArchiveEntries:
        from ebox.adapters.archive_entries import DynamoArchiveEntries

        return DynamoArchiveEntries(self.client("dynamodb"), table=self.config.messages_table)

    def archiving_ports(self) -> ArchivingPorts:
        from ebox.pipeline.evidence_archiving import ArchivingPorts

        return ArchivingPorts(archive=self.evidence_archive, entries=self.archive_entries,
                              timestamper=self.timestamper)

    def delivery_ports(self) -> DeliveryPorts:
        from ebox.pipeline.delivery_steps import DeliveryPorts

        return DeliveryPorts(index=self.index, delivery_states=self.delivery_states,
                             evidence_signer=self.record_signer, events=self.events)

    def outbox_ports(self) -> OutboxPorts:
        from ebox.adapters.message_stream import DynamoMessageStream
        from ebox.pipeline.outbox import OutboxPorts

        return OutboxPorts(stream=DynamoMessageStream(), index=self.index, events=self.outbox_events,
                           statistics=self.streamed_publications)

    @cached_property
    def streamed_publications(self) -> DynamoStreamedCounters:
        """The statistics' publication counters, kept by the outbox from the stream (docs/statistics.md)."""
        from ebox.adapters.streamed_counters import DynamoStreamedCounters

        return DynamoStreamedCounters(self.client("dynamodb"), table=self.config.statistics_table)

    def notification_ports(self) -> NotificationPorts:
        from ebox.pipeline.notification_steps import NotificationPorts

        return NotificationPorts(registry=self.registry, notification_preferences=self.notification_preferences,
                                 notification_claims=self.notification_claims, mailer=self.mailer, index=self.index,
                                 due_messages=self.due_messages, buffered_events=self.buffered_events,
                                 web_app_url=self.config.web_app_url)

    @cached_property
    def rate_counters(self) -> DynamoRateCounters:
        """Fixed-window counters of the rate limits (ebox.domain.rate_limits)."""
        from ebox.adapters.rate_counters import DynamoRateCounters

        return DynamoRateCounters(self.client("dynamodb"), table=self.config.rate_limits_table)

    @cached_property
    def statistics(self) -> DynamoStatistics:
        """The statistics' counters (docs/statistics.md)."""
        from ebox.adapters.statistics_store import DynamoStatistics

        return DynamoStatistics(self.client("dynamodb"), table=self.config.statistics_table)

    def backfill_ports(self) -> BackfillPorts:
        """The statistics' backfill: the messages table's pages, the statistics table rebuilt."""
        from ebox.adapters.statistics_rebuild import DynamoStatisticsRebuild, DynamoStoredMessages
        from ebox.pipeline.statistics_backfill import BackfillPorts

        db = self.client("dynamodb")
        return BackfillPorts(messages=DynamoStoredMessages(db, table=self.config.messages_table),
                             rebuild=DynamoStatisticsRebuild(db, table=self.config.statistics_table),
                             counters=self.statistics)


@dataclass
class AreaServices:
    """An area's adapters (bulk imports, downloads, senders), built on the message registry's: the same
    configuration and clients, and the adapters the areas share (``base``)."""

    base: MessageServices

    @property
    def config(self) -> Config:
        return self.base.config

    def client(self, service: str) -> object:
        """The boto3 client of ``service`` (see :meth:`MessageServices.client`)."""
        return self.base.client(service)


@functools.cache
def _trace_aws_calls() -> None:
    """X-Ray subsegments for every AWS call; loaded only when Lambda traces (it costs ~0.4 s to import)."""
    from aws_xray_sdk.core import patch

    patch(["botocore"])
