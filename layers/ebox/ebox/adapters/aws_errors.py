"""What an AWS failure means, decided here once for every adapter.

- a conditional write that failed (``ConditionalCheckFailed``) is the answer to the question the condition
  asked: each adapter turns it into its domain meaning (already recorded, already done, taken meanwhile);
- throttling, a 5xx answer and a connection that failed or timed out are transient: a
  :class:`~ebox.domain.errors.TransientError` (retried by queues and state machines, 503 over HTTP);
- anything else is a fault of ours and stays what it is (a 500 whose details go to the logs).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PutError, PynamoDBException
from pynamodb.models import Model

from ebox.domain.errors import TransientError

CONDITIONAL_FAILURES = frozenset({"ConditionalCheckFailedException", "ConditionalCheckFailed"})
THROTTLING = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "RequestThrottled", "RequestThrottledException", "SlowDown",
    "TransactionConflict", "TransactionInProgressException", "LimitExceededException", "KMSThrottlingException",
    "ServiceUnavailable", "ServiceUnavailableException", "InternalError", "InternalFailure", "InternalServerError",
})


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


def is_transient(error: BaseException) -> bool:
    """Throttling, a 5xx answer, or no answer at all: a retry may succeed."""
    if isinstance(error, BotoCoreError):
        return True
    if error_code(error) in THROTTLING:
        return True
    # PynamoDB keeps the botocore failure as ``cause`` (a timeout is raised inside its ``except``, so
    # ``__cause__`` is empty there)
    cause = (getattr(error, "cause", None) or error.__cause__) if isinstance(error, PynamoDBException) else error
    if isinstance(cause, BotoCoreError):
        return True
    if not isinstance(cause, ClientError):
        return False
    status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and status >= 500


def classify(error: Exception) -> Exception:
    """``error`` as the domain sees it: a TransientError when a retry may cure it, else unchanged."""
    if isinstance(error, TransientError) or not is_transient(error):
        return error
    transient = TransientError("a service the e-Box depends on is busy or unreachable; try again shortly")
    transient.__cause__ = error
    return transient


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """The answer of ``client.<operation>(**params)`` (a boto3 client); a failure comes out classified."""
    try:
        return dict(getattr(client, operation)(**params))
    except (ClientError, BotoCoreError) as error:
        raise classify(error) from error


def put_if_absent(item: Model, *, failure: str) -> bool:
    """Writes ``item`` unless its key is taken; False when it was (written before: the retry's answer).
    A transient failure is a TransientError saying ``failure``; any other stays what it is."""
    try:
        item.save(condition=type(item).pk.does_not_exist())  # type: ignore[attr-defined]
    except PutError as error:
        if is_conditional_failure(error):
            return False
        if is_transient(error):
            raise TransientError(failure) from error
        raise
    return True
