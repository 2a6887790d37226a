"""Every AWS failure is classified once (ebox.adapters.aws_errors): throttling, 5xx and no answer are a
TransientError (503 with a StatusMessage); a failed condition is the adapter's to explain."""

import json

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from ebox.adapters.aws_errors import classify, is_conditional_failure, put_if_absent
from ebox.api.errors import error_response
from ebox.domain.errors import TransientError
from ebox.wiring import classify_error
from pynamodb.exceptions import PutError


def client_error(code: str, status: int = 400, **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status},
                        **extra}, "GetItem")


@pytest.mark.parametrize("error", [
    client_error("ProvisionedThroughputExceededException"), client_error("ThrottlingException"),
    client_error("SlowDown", 503), client_error("SomethingNew", 500),
    EndpointConnectionError(endpoint_url="http://dynamodb"),
])
def test_throttling_5xx_and_no_answer_are_transient_and_answer_503(error):
    classified = classify_error(error)
    assert isinstance(classified, TransientError) and classified.__cause__ is error
    response = error_response(classified, environment="test")
    assert response.status_code == 503
    assert json.loads(response.body)["code"] == "SERVICE_UNAVAILABLE"


def test_a_client_mistake_of_ours_is_not_retried():
    error = client_error("ValidationException")
    assert classify(error) is error
    assert error_response(classify_error(error), environment="test").status_code == 500


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
