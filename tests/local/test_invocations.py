"""Lambda's Invoke over HTTP (`InvocationServer`): what LocalStack's `ebox-forward` executor calls for
every invocation, answered by the same code that answers moto's (`answer_invoke`)."""

from __future__ import annotations

import json

import boto3
import requests
from ebox_local.invocations import INVOKE_URL_VARIABLE, InvocationServer
from ebox_local.provisioning import provision_template
from moto import mock_aws

from tests.local.conftest import MOTO_CONFIG, TEMPLATE


def test_an_invocation_runs_the_handler_and_a_failure_names_its_class(aws_env, monkeypatch):
    server = InvocationServer()
    try:
        with mock_aws(config=MOTO_CONFIG):
            provisioned = provision_template(TEMPLATE, prefix="run-1", invocation_url=server.url_for)
            lam = boto3.client("lambda", region_name="eu-west-1")
            told = lam.get_function_configuration(FunctionName="run-1-StepFunction")["Environment"]["Variables"]
        server.provisioned = provisioned
        for name, value in provisioned.environment.items():
            monkeypatch.setenv(name, value)
        # the emulator is told where to send the invocations; the handler's own environment is not changed
        assert told[INVOKE_URL_VARIABLE] == server.url_for("run-1-StepFunction")
        assert INVOKE_URL_VARIABLE not in provisioned.functions["StepFunction"].environment

        ok = requests.post(told[INVOKE_URL_VARIABLE], json={"input": {"action": "ok"}}, timeout=10)
        assert ok.status_code == 200 and "X-Amz-Function-Error" not in ok.headers
        assert ok.json()["function"] == "run-1-StepFunction"

        declined = requests.post(told[INVOKE_URL_VARIABLE], json={"input": {"action": "decline"}}, timeout=10)
        assert declined.headers["X-Amz-Function-Error"] == "Unhandled"
        assert json.loads(declined.content)["errorType"] == "PaymentDeclined"

        later = requests.post(told[INVOKE_URL_VARIABLE], json={}, headers={"X-Amz-Invocation-Type": "Event"},
                              timeout=10)
        assert later.status_code == 202

        unknown = requests.post(server.url_for("nobody"), json={}, timeout=10)
        assert unknown.status_code == 404 and unknown.headers["X-Amzn-ErrorType"] == "ResourceNotFoundException"
    finally:
        server.close()
