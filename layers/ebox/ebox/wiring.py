"""The composition root, the one place adapters are built: from the configuration, lazily (nothing at
import time: each adapter's module is imported on first use, a Lambda cold start), once per process.

Every property is typed with its concrete adapter, and the bundles handed to use cases
(``PublicationPorts``, ``BulkImportPorts``, ``DownloadPorts``) are typed with the domain's Protocols
(:mod:`ebox.domain.ports`), so mypy checks each adapter against the port it fills. Handlers and routes
ask this module for what their use case needs; use cases never see it.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ebox.config import Config, load_config
from ebox.domain.publication import PublicationPorts

if TYPE_CHECKING:
    from pynamodb.connection import Connection

    from ebox.adapters.archive_content import ArchiveContentStore
    from ebox.adapters.audit_trail import DynamoAuditTrail
    from ebox.adapters.batch_files import S3BatchFiles
    from ebox.adapters.batch_ledger import DynamoBatchLedger
    from ebox.adapters.batch_queue import SqsBatchQueue
    from ebox.adapters.buffered_events import BufferedMessageEvents, OutboxEvents
    from ebox.adapters.callback_http import CallbackRequestSigner, HttpCallbackTransport
    from ebox.adapters.callback_queue import SqsCallbackRetries
    from ebox.adapters.callback_store import DynamoCallbackStore
    from ebox.adapters.content_store import S3ContentStore
    from ebox.adapters.document_uploads import S3DocumentUploads
    from ebox.adapters.download_jobs import DynamoDownloadJobs, SqsDownloadQueue
    from ebox.adapters.due_messages import DynamoDueMessages
    from ebox.adapters.endorsed_signer import EndorsedKeySigner
    from ebox.adapters.evidence_archive import S3EvidenceArchive
    from ebox.adapters.key_directory import DynamoKeyDirectory
    from ebox.adapters.kms_signer import KmsEs256Signer
    from ebox.adapters.mailer import SesMailer
    from ebox.adapters.message_events import EventBridgeMessageEvents
    from ebox.adapters.message_index import DynamoDeliveryStates, DynamoMessageIndex
    from ebox.adapters.notification_store import DynamoNotificationClaims, DynamoNotificationPreferences
    from ebox.adapters.onboarding_store import DynamoSenderRequests
    from ebox.adapters.package_store import S3DocumentReader, S3MultipartWriter
    from ebox.adapters.presigned_urls import S3PresignedUrls
    from ebox.adapters.rate_counters import DynamoRateCounters
    from ebox.adapters.registry import DynamoRegistry
    from ebox.adapters.s3_ranges import S3ArchiveReader
    from ebox.adapters.sender_registry_function import LambdaSenderRegistry
    from ebox.adapters.statistics_store import DynamoStatistics
    from ebox.adapters.timestamping import Rfc3161Timestamper
    from ebox.adapters.token_verifier import JwtVerifier
    from ebox.adapters.workflow import StepFunctionsWorkflow
    from ebox.domain.access import EboxReader
    from ebox.domain.consultation import Consultation
    from ebox.domain.downloads import DownloadJob
    from ebox.domain.ports import BufferedEvents
    from ebox.pipeline.audit_steps import AuditPorts
    from ebox.pipeline.bulk_batches import BatchRequestPorts
    from ebox.pipeline.bulk_import import BulkImportPorts
    from ebox.pipeline.callbacks import CallbackPorts
    from ebox.pipeline.delivery_steps import DeliveryPorts
    from ebox.pipeline.download_build import DownloadBuildPorts
    from ebox.pipeline.download_requests import DownloadRequestPorts
    from ebox.pipeline.notification_steps import NotificationPorts
    from ebox.pipeline.onboarding import OnboardingPorts
    from ebox.pipeline.outbox import OutboxPorts
    from ebox.pipeline.sender_registry import SenderRegistryPorts

BULK_URL_SECONDS = 900  # pre-signed URLs of the import bucket (upload, per-line report)


@dataclass
class Services:
    """The process-wide adapters of the message registry (the API and the pipeline's steps)."""

    config: Config

    def client(self, service: str) -> Any:
        """The boto3 client of ``service`` (boto3 clients are untyped), for the adapters built here."""
        from ebox.adapters.aws_clients import aws_client

        if self.config.tracing:
            _trace_aws_calls()
        return aws_client(service, region=self.config.region, endpoint_url=self.config.endpoint_for(service))

    @cached_property
    def _tables(self) -> Connection:
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
        from ebox.adapters.message_index import DynamoDeliveryStates

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

    def publication_ports(self) -> PublicationPorts:
        """What publishing a message through the API needs (a publication or a reply)."""
        return PublicationPorts(self.registry, self.content, self.index, self.events, self.record_signer)

    def consultation(self, reader: EboxReader) -> Consultation:
        """Everything that reads a message of an e-Box for ``reader`` goes through it."""
        from ebox.domain.consultation import Consultation

        return Consultation.for_reader(reader, index=self.index, content=self.content, events=self.events,
                                       signer=self.record_signer)

    def audit_ports(self) -> AuditPorts:
        from ebox.pipeline.audit_steps import AuditPorts

        return AuditPorts(index=self.index, evidence_archive=self.evidence_archive, timestamper=self.timestamper,
                          audit=self.audit)

    def delivery_ports(self) -> DeliveryPorts:
        from ebox.pipeline.delivery_steps import DeliveryPorts

        return DeliveryPorts(index=self.index, delivery_states=self.delivery_states,
                             evidence_signer=self.record_signer, events=self.events)

    def outbox_ports(self) -> OutboxPorts:
        from ebox.adapters.message_stream import DynamoMessageStream
        from ebox.pipeline.outbox import OutboxPorts

        return OutboxPorts(stream=DynamoMessageStream(), index=self.index, events=self.outbox_events)

    def notification_ports(self) -> NotificationPorts:
        from ebox.pipeline.notification_steps import NotificationPorts

        return NotificationPorts(registry=self.registry, notification_preferences=self.notification_preferences,
                                 notification_claims=self.notification_claims, mailer=self.mailer, index=self.index,
                                 due_messages=self.due_messages, buffered_events=self.buffered_events,
                                 web_app_url=self.config.web_app_url)

    @cached_property
    def statistics(self) -> DynamoStatistics:
        """The statistics' counters (docs/statistics.md)."""
        from ebox.adapters.statistics_store import DynamoStatistics

        return DynamoStatistics(self.client("dynamodb"), table=self.config.statistics_table)

    @cached_property
    def rate_counters(self) -> DynamoRateCounters:
        """Fixed-window counters of the rate limits (ebox.domain.rate_limits)."""
        from ebox.adapters.rate_counters import DynamoRateCounters

        return DynamoRateCounters(self.client("dynamodb"), table=self.config.rate_limits_table)

    @cached_property
    def bulk(self) -> BulkServices:
        return BulkServices(self)

    @cached_property
    def downloads(self) -> DownloadServices:
        return DownloadServices(self)

    @cached_property
    def senders(self) -> SenderServices:
        """Sender onboarding and callbacks to senders (issue 16)."""
        return SenderServices(self)


@dataclass
class BulkServices:
    """The adapters of bulk imports (built only in the functions and routes that import batches)."""

    base: Services

    @cached_property
    def ledger(self) -> DynamoBatchLedger:
        from ebox.adapters.batch_ledger import DynamoBatchLedger

        return DynamoBatchLedger(self.base.client("dynamodb"), table=self.base.config.bulk_table)

    @cached_property
    def files(self) -> S3BatchFiles:
        from ebox.adapters.batch_files import S3BatchFiles

        config = self.base.config
        return S3BatchFiles(self.base.client("s3"), work_bucket=config.content_bucket,
                            report_bucket=config.import_bucket, kms_key_id=config.content_key_id)

    @cached_property
    def queue(self) -> SqsBatchQueue:
        from ebox.adapters.batch_queue import SqsBatchQueue

        return SqsBatchQueue(self.base.client("sqs"), queue_url=self.base.config.bulk_queue_url)

    @cached_property
    def archives(self) -> S3ArchiveReader:
        from ebox.adapters.s3_ranges import S3ArchiveReader

        return S3ArchiveReader(self.base.client("s3"))

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the import bucket: a batch's upload, its per-line report."""
        from ebox.adapters.presigned_urls import S3PresignedUrls

        return S3PresignedUrls(self.base.client("s3"), bucket=self.base.config.import_bucket,
                               expires_in=BULK_URL_SECONDS)

    @cached_property
    def signer(self) -> EndorsedKeySigner:
        """Evidence signed by this container's own key, endorsed by the KMS evidence key once a day."""
        return self.base.record_signer

    def content(self) -> ArchiveContentStore:
        """A content store for one chunk: documents written from the archive's bytes."""
        from ebox.adapters.archive_content import ArchiveContentStore

        config = self.base.config
        return ArchiveContentStore(self.base.client("s3"), bucket=config.content_bucket,
                                   kms_key_id=config.content_key_id)

    def events(self) -> BufferedMessageEvents:
        """Message events for one chunk, put on the bus ten at a time."""
        return self.base.new_buffered_events()

    def publication_ports(self, events: BufferedEvents) -> PublicationPorts:
        """What publishing one chunk's lines needs: the archive's documents, the chunk's event buffer."""
        base = self.base
        return PublicationPorts(base.registry, self.content(), base.index, events, self.signer)

    def request_ports(self) -> BatchRequestPorts:
        from ebox.pipeline.bulk_batches import BatchRequestPorts

        return BatchRequestPorts(ledger=self.ledger, urls=self.urls)

    def import_ports(self) -> BulkImportPorts:
        from ebox.pipeline.bulk_import import BulkImportPorts

        return BulkImportPorts(ledger=self.ledger, files=self.files, queue=self.queue, archives=self.archives,
                               executions=self.base.workflow, chunk_events=self.events,
                               chunk_publication=self.publication_ports)


@dataclass
class DownloadServices:
    """The adapters of bulk downloads."""

    base: Services

    @cached_property
    def jobs(self) -> DynamoDownloadJobs:
        from ebox.adapters.download_jobs import DynamoDownloadJobs

        return DynamoDownloadJobs(self.base.client("dynamodb"), table=self.base.config.downloads_table)

    @cached_property
    def queue(self) -> SqsDownloadQueue:
        from ebox.adapters.download_jobs import SqsDownloadQueue

        return SqsDownloadQueue(self.base.client("sqs"), queue_url=self.base.config.downloads_queue_url)

    @cached_property
    def documents(self) -> S3DocumentReader:
        from ebox.adapters.package_store import S3DocumentReader

        return S3DocumentReader(self.base.client("s3"), bucket=self.base.config.content_bucket)

    @cached_property
    def urls(self) -> S3PresignedUrls:
        """Pre-signed URLs of the packages."""
        from ebox.adapters.presigned_urls import S3PresignedUrls
        from ebox.domain.downloads import URL_SECONDS

        return S3PresignedUrls(self.base.client("s3"), bucket=self.base.config.downloads_bucket,
                               expires_in=URL_SECONDS)

    def new_package(self, job: DownloadJob) -> S3MultipartWriter:
        """A new build of the job's package: its own object, so that two deliveries never mix parts."""
        from ebox.adapters.package_store import S3MultipartWriter, package_key

        config = self.base.config
        key = package_key(job.enterprise_number, job.download_id, secrets.token_hex(4))
        return S3MultipartWriter(self.base.client("s3"), bucket=config.downloads_bucket, key=key,
                                 kms_key_id=config.content_key_id)

    def request_ports(self) -> DownloadRequestPorts:
        from ebox.pipeline.download_requests import DownloadRequestPorts

        return DownloadRequestPorts(jobs=self.jobs, queue=self.queue, urls=self.urls)

    def build_ports(self) -> DownloadBuildPorts:
        from ebox.pipeline.download_build import DownloadBuildPorts

        return DownloadBuildPorts(jobs=self.jobs, documents=self.documents, evidence=self.base.index,
                                  new_package=self.new_package, consultation=self.base.consultation)


@dataclass
class SenderServices:
    """The adapters of sender onboarding (requests, the registry's writes) and of callbacks to senders."""

    base: Services

    @cached_property
    def requests(self) -> DynamoSenderRequests:
        from ebox.adapters.onboarding_store import DynamoSenderRequests

        return DynamoSenderRequests(self.base.client("dynamodb"), table=self.base.config.registry_table)

    def onboarding_ports(self) -> OnboardingPorts:
        from ebox.pipeline.onboarding import OnboardingPorts

        return OnboardingPorts(requests=self.requests, registry=self.base.registry, signer=self.base.evidence_signer)

    def sender_registry_ports(self) -> SenderRegistryPorts:
        """The sender registry function's (decision 0014): the only role that may write these items."""
        from ebox.pipeline.sender_registry import SenderRegistryPorts

        return SenderRegistryPorts(onboarding=self.onboarding_ports(), registry=self.base.registry)

    @cached_property
    def commands(self) -> LambdaSenderRegistry:
        """The API's way to the sender registry function (a synchronous invocation)."""
        from ebox.adapters.sender_registry_function import LambdaSenderRegistry

        return LambdaSenderRegistry(self.base.client("lambda"), function_name=self.base.config.sender_registry_function)

    @cached_property
    def callback_signer(self) -> CallbackRequestSigner:
        """RFC 9421 signatures of callbacks, by their own KMS key (EBOX_CALLBACK_KEY_ID)."""
        from ebox.adapters.callback_http import CallbackRequestSigner
        from ebox.adapters.kms_signer import KmsEs256Signer

        return CallbackRequestSigner(KmsEs256Signer(self.base.client("kms"), key_id=self.base.config.callback_key_id))

    @cached_property
    def callbacks(self) -> DynamoCallbackStore:
        from ebox.adapters.callback_store import DynamoCallbackStore

        config = self.base.config
        return DynamoCallbackStore(self.base.client("dynamodb"), registry_table=config.registry_table,
                                   messages_table=config.messages_table)

    @cached_property
    def callback_transport(self) -> HttpCallbackTransport:
        from ebox.adapters.callback_http import HttpCallbackTransport

        return HttpCallbackTransport(self.callback_signer)

    @cached_property
    def callback_retries(self) -> SqsCallbackRetries:
        from ebox.adapters.callback_queue import SqsCallbackRetries

        return SqsCallbackRetries(self.base.client("sqs"), queue_url=self.base.config.callback_queue_url)

    def callback_ports(self) -> CallbackPorts:
        from ebox.pipeline.callbacks import CallbackPorts

        return CallbackPorts(endpoints=self.callbacks, deliveries=self.callbacks, transport=self.callback_transport,
                             retries=self.callback_retries)


def classify_error(error: Exception) -> Exception:
    """An AWS failure that escaped its adapter, classified once (ebox.adapters.aws_errors): throttling,
    5xx and unreachable services become a TransientError (503); anything else is left as it is."""
    if type(error).__module__.partition(".")[0] not in ("botocore", "boto3", "pynamodb"):
        return error
    from ebox.adapters.aws_errors import classify

    return classify(error)


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
