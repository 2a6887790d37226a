"""What an AWS failure means, decided here once for every adapter.

- a conditional write that failed (``ConditionalCheckFailed``) is the answer to the question the condition
  asked: each adapter turns it into its domain meaning (already recorded, already done, taken meanwhile);
- throttling, a 5xx answer and a connection that failed or timed out are transient: a
  :class:`~ebox.domain.errors.TransientError` (retried by queues and state machines, 503 over HTTP);
- anything else (access denied, a missing table or bucket, a malformed request, no credentials) is a fault
  of ours or of the deployment and stays what it is: a 500 whose details go to the logs, a state machine's
  ``Catch``, a queue's dead letters; never a "try again" that hides it from the operator.

Adapters call AWS through :func:`call` or inside ``with classified("what failed"):``; a test walks their
source so that no ``except ClientError`` turns every failure into a TransientError again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError, IncompleteReadError
from pynamodb.exceptions import PutError, PynamoDBException
from pynamodb.models import Model

from ebox.domain.errors import TransientError

CONDITIONAL_FAILURES = frozenset({"ConditionalCheckFailedException", "ConditionalCheckFailed"})
# botocore's own lists of throttling and transient codes (botocore.retries.standard), and a few more
THROTTLING = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "RequestThrottled", "RequestThrottledException", "SlowDown",
    "TransactionConflict", "TransactionInProgressException", "LimitExceededException", "KMSThrottlingException",
    "BandwidthLimitExceeded", "EC2ThrottledException", "PriorRequestNotComplete", "RequestTimeout",
    "RequestTimeoutException",
    "ProvisionedThroughputExceeded", "ThrottlingError",  # a cancelled transaction's reasons, with TransactionConflict
    "ServiceUnavailable", "ServiceUnavailableException", "InternalError", "InternalFailure", "InternalServerError",
})
NO_ANSWER = (ConnectionError, HTTPClientError, IncompleteReadError)
"""botocore's failures without an answer: connection refused or closed, connect and read timeouts, a body cut
short. Its other errors (no credentials, no region, a parameter the model refuses) are faults of ours."""


def error_code(error: BaseException) -> str | None:
    """The AWS error code of a boto3 or PynamoDB failure (None for a failure without one)."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "") or None
    if isinstance(error, PynamoDBException):
        return getattr(error, "cause_response_code", None)
    return None


def cancellation_reasons(error: BaseException) -> list[str | None]:
    """Why a DynamoDB transaction was cancelled, one code per item (None where that item was fine)."""
    reasons = getattr(error, "cancellation_reasons", None)
    if reasons is not None:  # PynamoDB's TransactWriteError
        return [reason.code if reason else None for reason in reasons]
    if isinstance(error, ClientError):
        return [reason.get("Code") if reason.get("Code") != "None" else None
                for reason in error.response.get("CancellationReasons", [])]
    return []


def is_conditional_failure(error: BaseException) -> bool:
    """A conditional write whose condition did not hold (for a transaction: its first item's)."""
    reasons = cancellation_reasons(error)
    if reasons:
        return reasons[0] in CONDITIONAL_FAILURES
    return error_code(error) in CONDITIONAL_FAILURES


def any_condition_failed(error: BaseException) -> bool:
    """A conditional write whose condition did not hold, or a transaction with any such item (not only its
    first): for a transaction appending evidence, another writer moved the chain meanwhile."""
    return error_code(error) in CONDITIONAL_FAILURES or any(
        reason in CONDITIONAL_FAILURES for reason in cancellation_reasons(error))


def is_transient(error: BaseException) -> bool:
    """Throttling (a cancelled transaction's included), a 5xx answer, or no answer at all: a retry may succeed."""
    # PynamoDB keeps the botocore failure as ``cause`` (a timeout is raised inside its ``except``, so
    # ``__cause__`` is empty there)
    cause = (getattr(error, "cause", None) or error.__cause__) if isinstance(error, PynamoDBException) else error
    for failure in (error, cause):
        if isinstance(failure, NO_ANSWER):
            return True
        if failure is not None and (error_code(failure) in THROTTLING
                                    or any(reason in THROTTLING for reason in cancellation_reasons(failure))):
            return True
    if not isinstance(cause, ClientError):
        return False
    status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and (status >= 500 or status == 429)


def classify(error: Exception, failure: str | None = None) -> Exception:
    """``error`` as the domain sees it: a TransientError when a retry may cure it (saying ``failure``, what
    could not be done, and the AWS code), else unchanged."""
    if isinstance(error, TransientError) or not is_transient(error):
        return error
    what = failure or "a service the e-Box depends on is busy or unreachable; try again shortly"
    transient = TransientError(f"{what} ({error_code(error) or type(error).__name__})")
    transient.__cause__ = error
    return transient


@contextmanager
def classified(failure: str | None = None) -> Iterator[None]:
    """AWS failures in the block come out classified: a TransientError saying ``failure`` when a retry may
    cure them; any other (a failed condition included) as it was raised, for the caller or the edge."""
    try:
        yield
    except (ClientError, BotoCoreError, PynamoDBException) as error:
        raise_classified(error, failure)


def call(client: Any, operation: str, *, failure: str | None = None, **params: Any) -> dict[str, Any]:
    """The answer of ``client.<operation>(**params)`` (a boto3 client); a failure comes out classified."""
    try:
        return dict(getattr(client, operation)(**params))
    except (ClientError, BotoCoreError) as error:
        raise_classified(error, failure)


def raise_classified(error: Exception, failure: str | None = None) -> NoReturn:
    """Raises ``error`` classified (inside an ``except`` that first picked out the failures it explains)."""
    found = classify(error, failure)
    if found is error:
        raise error
    raise found from error


def put_if_absent(item: Model, *, failure: str) -> bool:
    """Writes ``item`` unless its key is taken; False when it was (written before: the retry's answer).
    A transient failure is a TransientError saying ``failure``; any other stays what it is."""
    try:
        item.save(condition=type(item).pk.does_not_exist())  # type: ignore[attr-defined]
    except PutError as error:
        if is_conditional_failure(error):
            return False
        if is_transient(error):
            raise classify(error, failure) from error
        raise
    return True
