"""Typed errors of the e-Box domain, each with the e-Box `StatusMessage` code it is reported with.

The HTTP status of each lives in one place: :mod:`ebox.api.errors`. State machines match these class
names in `Retry`/`Catch`, so they are part of the public contract: do not rename them lightly.
"""

from __future__ import annotations


class EboxError(Exception):
    """A failure the caller must be told about, with the e-Box code it maps to."""

    code = "INTERNAL_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.evidence: str | None = None  # a signed SubmissionRejection, when the refusal has one


class InvalidInput(EboxError):
    """The request is malformed or refers to something that is not valid (client mistake)."""

    code = "INVALID_INPUT"


class InvalidSender(EboxError):
    """The sender is not the authenticated organisation, or its trio is not registered."""

    code = "INVALID_SENDER"


class DigestDoNotMatch(EboxError):
    """A document's bytes do not have the SHA-256 the sender announced."""

    code = "DIGEST_DO_NOT_MATCH"


class PayloadTooLarge(EboxError):
    code = "PAYLOAD_TOO_LARGE"


class Unauthenticated(EboxError):
    """No token, or a token that is forged, expired or meant for someone else."""

    code = "UNAUTHORIZED"


class InvalidClient(EboxError):
    """OAuth2 client authentication failed (RFC 6749 `invalid_client`)."""

    code = "invalid_client"


class InvalidScope(EboxError):
    """A client asked for a scope it is not registered for (RFC 6749 `invalid_scope`)."""

    code = "invalid_scope"


class UnsupportedGrantType(EboxError):
    code = "unsupported_grant_type"


class MissingScope(EboxError):
    """The token is valid but does not carry the scope the operation needs."""

    code = "FORBIDDEN"


class NotFound(EboxError):
    """The resource does not exist, or not in the caller's e-Box (both look the same, on purpose)."""

    code = "NOT_FOUND"


class ReplyNotAuthorized(EboxError):
    """The message may be seen but not answered: its sender did not set `isReplyAuthorized`."""

    code = "REPLY_NOT_AUTHORIZED"


class AcceptanceRequired(EboxError):
    """Qualified registered mail: the content is shown once the recipient has accepted the message."""

    code = "ACCEPTANCE_REQUIRED"


class AcceptanceClosed(EboxError):
    """The message awaits no answer (not qualified, already answered, or its acceptance window closed)."""

    code = "ACCEPTANCE_CLOSED"


class RateLimited(EboxError):
    """Too many requests of one kind from one e-Box, organisation or address in the current window."""

    code = "TOO_MANY_REQUESTS"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryUnderWay(EboxError):
    """Qualified mail: another workflow execution already delivers this message (its start event came twice),
    or the message awaits no answer any more. The state machine ends the extra execution on this error."""

    code = "DELIVERY_UNDER_WAY"


class AnsweredMeanwhile(EboxError):
    """Qualified mail: the recipient answered while the workflow held no live task token (its previous
    attempt died): the state machine records the answer at once instead of waiting."""

    code = "ANSWERED_MEANWHILE"


class DuplicatePublication(EboxError):
    """The Idempotency-Key was already used for this very publication."""

    code = "DUPLICATE_PUBLICATION"

    def __init__(self, message: str, *, message_id: str, expiration_date: str) -> None:
        super().__init__(message)
        self.message_id = message_id
        self.expiration_date = expiration_date


class IdempotencyKeyReused(EboxError):
    """The Idempotency-Key was already used for a different publication."""

    code = "IDEMPOTENCY_KEY_REUSED"


class TransientError(EboxError):
    """A dependency failed in a way that a retry may cure (throttling, 5xx). Retried by callers."""

    code = "SERVICE_UNAVAILABLE"


class DeliveryUncertain(EboxError):
    """A dependency took a request and its answer was lost (a read timeout, a dropped connection): it may
    have been applied. For a call that is not idempotent (an e-mail), a retry could do it twice."""

    code = "SERVICE_UNAVAILABLE"


class RequestStateConflict(EboxError):
    """A sender request or a callback delivery is not in the state the operation needs (already decided,
    not dead-lettered, ...)."""

    code = "INVALID_STATE"


class BatchInProgress(EboxError):
    """A bulk batch of that name is being imported: it may be dropped again once finished."""

    code = "BATCH_IN_PROGRESS"


class BatchClosed(EboxError):
    """The bulk batch is no longer scheduled: it can no longer be cancelled."""

    code = "BATCH_CLOSED"


class DownloadTooLarge(InvalidInput):
    """A bulk download would hold more messages or bytes than one package may (the bounds are documented)."""

    code = "DOWNLOAD_TOO_LARGE"


class DuplicateInBatch(InvalidInput):
    """The line repeats an earlier line of the same manifest, character for character."""

    code = "DUPLICATE_IN_BATCH"


class TimestampUnavailable(TransientError):
    """The TSA could not give a time-stamp now; a retry may get one."""


class TimestampRejected(EboxError):
    """The TSA refused the request in a way that a retry will not change."""

    code = "TIMESTAMP_REJECTED"


class TimestampNotTrusted(EboxError):
    """A time-stamp token that does not prove what it should: bad signature, untrusted TSA, other data..."""

    code = "TIMESTAMP_NOT_TRUSTED"


class CallbackUnreachable(Exception):
    """A callback endpoint gave no HTTP answer (connection refused, TLS failure, timeout)."""


class NotificationIncomplete(Exception):
    """Some e-mails could not be sent; their claims were released, so a retry sends them (and only them)."""


class DependencyRefused(Exception):
    """An AWS service refused a call in a way no retry cures (access denied, a missing bucket, key or table, a
    request it finds malformed): a fault of ours or of the deployment, for the operator to see. Raised where a
    step must end in a state all the same (a download job FAILED); elsewhere the service's own error goes up
    (a 500, logged with its stack)."""


class ContentIntegrityError(Exception):
    """A stored document no longer has the digest recorded at publication (server-side fault)."""


class SenderRegistryFailed(RuntimeError):
    """The sender registry function failed on a fault of ours (not a domain error): a 500, logged."""
