"""Every AWS failure is classified once (ebox.adapters.aws_errors): throttling, 5xx and no answer are a
TransientError (503 with a StatusMessage); a failed condition is the adapter's to explain."""

import json

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ReadTimeoutError,
)
from ebox.adapters.aws_errors import call, classified, classify, is_conditional_failure, put_if_absent
from ebox.api.errors import error_response
from ebox.domain.errors import TransientError
from ebox.wiring import classify_error
from pynamodb.exceptions import PutError


def client_error(code: str, status: int = 400, **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status},
                        **extra}, "GetItem")


@pytest.mark.parametrize("error", [
    client_error("ProvisionedThroughputExceededException"), client_error("ThrottlingException"),
    client_error("SlowDown", 503), client_error("SomethingNew", 500), client_error("RequestTimeout"),
    client_error("TooManyRequests", 429),
    EndpointConnectionError(endpoint_url="http://dynamodb"), ConnectTimeoutError(endpoint_url="http://dynamodb"),
    ReadTimeoutError(endpoint_url="http://dynamodb"), ConnectionClosedError(endpoint_url="http://dynamodb"),
])
def test_throttling_5xx_and_no_answer_are_transient_and_answer_503(error):
    classified = classify_error(error)
    assert isinstance(classified, TransientError) and classified.__cause__ is error
    response = error_response(classified, environment="test")
    assert response.status_code == 503
    assert json.loads(response.body)["code"] == "SERVICE_UNAVAILABLE"


@pytest.mark.parametrize("error", [
    client_error("ValidationException"), client_error("AccessDeniedException"), client_error("AccessDenied", 403),
    client_error("ResourceNotFoundException"), client_error("NoSuchBucket", 404),
    NoCredentialsError(), NoRegionError(), ParamValidationError(report="Missing required parameter Key"),
])
def test_a_fault_of_ours_or_of_the_deployment_is_not_retried(error):
    assert classify(error) is error
    assert error_response(classify_error(error), environment="test").status_code == 500


class _Client:
    """A boto3 client whose every operation fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_item(self, **params: object) -> dict:
        raise self.error


def test_a_call_says_what_failed_when_a_retry_may_cure_it_and_leaves_the_rest_as_it_was():
    with pytest.raises(TransientError, match=r"could not read job 7 \(ThrottlingException\)") as transient:
        call(_Client(client_error("ThrottlingException")), "get_item", failure="could not read job 7", Key={})
    assert isinstance(transient.value.__cause__, ClientError)
    denied = client_error("AccessDeniedException")
    with pytest.raises(ClientError) as raised:
        call(_Client(denied), "get_item", Key={})
    assert raised.value is denied and raised.value.__cause__ is None


def test_a_block_classifies_every_aws_failure_once():
    with pytest.raises(TransientError, match="could not write"), classified("could not write"):
        raise ReadTimeoutError(endpoint_url="http://s3")
    with pytest.raises(ClientError, match="ConditionalCheckFailed"), classified("could not write"):
        raise client_error("ConditionalCheckFailedException")
    with pytest.raises(PutError), classified("could not write"):  # pynamodb's, a mistake of ours
        raise PutError("put failed", cause=client_error("ValidationException"))
    with pytest.raises(TransientError), classified("could not write"):  # pynamodb's, throttled
        raise PutError("put failed", cause=client_error("ProvisionedThroughputExceededException"))


def test_a_failed_condition_is_recognised_alone_or_in_a_transaction():
    assert is_conditional_failure(client_error("ConditionalCheckFailedException"))
    cancelled = client_error("TransactionCanceledException", CancellationReasons=[
        {"Code": "ConditionalCheckFailed"}, {"Code": "None"}])
    assert is_conditional_failure(cancelled)
    assert not is_conditional_failure(client_error("ThrottlingException"))


def test_errors_that_are_not_aws_ones_pass_through():
    error = ValueError("ours")
    assert classify_error(error) is error


class _Item:
    """Stands for a pynamodb item whose conditional PutItem fails with ``code`` (None: it is written)."""

    class pk:  # noqa: N801 - the attribute pynamodb's models have
        @staticmethod
        def does_not_exist() -> str:
            return "attribute_not_exists(pk)"

    def __init__(self, code: str | None, status: int = 400) -> None:
        self.code, self.status = code, status

    def save(self, condition: str) -> None:
        if self.code:
            raise PutError("put failed", cause=client_error(self.code, self.status))


def test_a_write_if_absent_tells_taken_keys_and_classifies_the_rest_once():
    assert put_if_absent(_Item(None), failure="could not add") is True
    assert put_if_absent(_Item("ConditionalCheckFailedException"), failure="could not add") is False
    with pytest.raises(TransientError, match="could not add"):
        put_if_absent(_Item("ProvisionedThroughputExceededException"), failure="could not add")
    with pytest.raises(PutError):  # a mistake of ours: a 500, not retried
        put_if_absent(_Item("ValidationException"), failure="could not add")


def test_a_transaction_cancelled_by_a_conflict_or_throttling_is_transient_and_by_a_condition_is_not():
    conflict = client_error("TransactionCanceledException", CancellationReasons=[
        {"Code": "None"}, {"Code": "TransactionConflict"}])
    throttled = client_error("TransactionCanceledException", CancellationReasons=[{"Code": "ThrottlingError"}])
    invalid = client_error("TransactionCanceledException", CancellationReasons=[{"Code": "ValidationError"}])
    assert isinstance(classify(conflict), TransientError) and isinstance(classify(throttled), TransientError)
    assert classify(invalid) is invalid
    condition = client_error("TransactionCanceledException", CancellationReasons=[{"Code": "ConditionalCheckFailed"}])
    assert classify(condition) is condition
