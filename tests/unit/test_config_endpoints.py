"""Where each AWS client goes: AWS_ENDPOINT_URL for all, AWS_ENDPOINT_URL_<SERVICE> for one (botocore's
convention; `make test-localstack` sends DynamoDB to DynamoDB Local and the rest to LocalStack)."""

from ebox.config import load_config

REQUIRED = {"EBOX_REGISTRY_TABLE": "r", "EBOX_MESSAGES_TABLE": "m", "EBOX_CONTENT_BUCKET": "c",
            "EBOX_CONTENT_KEY_ID": "k"}


def test_a_service_override_wins_for_that_service_only():
    config = load_config({**REQUIRED, "AWS_ENDPOINT_URL": "http://localstack:4566",
                          "AWS_ENDPOINT_URL_DYNAMODB": "http://dynamodb-local:8000"})
    assert config.endpoint_for("dynamodb") == "http://dynamodb-local:8000"
    assert config.endpoint_for("s3") == config.endpoint_for("stepfunctions") == "http://localstack:4566"


def test_on_aws_no_endpoint_is_set():
    config = load_config(REQUIRED)
    assert config.endpoint_for("dynamodb") is None and config.endpoint_for("kms") is None
