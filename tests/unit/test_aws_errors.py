"""Every AWS failure is classified once (ebox.adapters.aws_errors): throttling, 5xx and no answer are a
TransientError (503 with a StatusMessage); a failed condition is the adapter's to explain."""

import json

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from ebox.adapters.aws_errors import classify, is_conditional_failure
from ebox.api.errors import error_response
from ebox.domain.errors import TransientError
from ebox.wiring import classify_error


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
