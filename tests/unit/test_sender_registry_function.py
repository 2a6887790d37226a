"""The API's side of the sender registry function (decision 0015): the operator is answered as if the API
had done the work itself: the function's answer, or the same domain error, or a 500/503 for a fault."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ebox.adapters.sender_registry_function import LambdaSenderRegistry
from ebox.domain.errors import NotFound, RequestStateConflict, SenderRegistryFailed, TransientError
from ebox.pipeline.sender_registry import answer_command


class Lambda:
    def __init__(self, payload: Any = None, *, function_error: bool = False, refusal: str | None = None) -> None:
        self.payload, self.function_error, self.refusal, self.asked = payload, function_error, refusal, []

    def invoke(self, **call: Any) -> dict[str, Any]:
        self.asked.append(call)
        if self.refusal:
            raise ClientError({"Error": {"Code": self.refusal}, "ResponseMetadata": {"HTTPStatusCode": 429}}, "Invoke")
        answer = {"Payload": io.BytesIO(json.dumps(self.payload).encode()), "StatusCode": 200}
        return answer | ({"FunctionError": "Unhandled"} if self.function_error else {})


def test_the_answer_is_the_function_s_and_the_call_is_synchronous():
    client = Lambda({"organizationId": "0207436874", "suspended": False})
    assert LambdaSenderRegistry(client, function_name="ebox-dev-sender-registry").run(
        {"command": "reinstate", "organizationId": "0207436874"}) == {"organizationId": "0207436874",
                                                                      "suspended": False}
    assert client.asked[0]["InvocationType"] == "RequestResponse"


@pytest.mark.parametrize("error", [NotFound("no sender request x"), RequestStateConflict("decided meanwhile")])
def test_a_domain_error_reaches_the_operator_as_itself(error):
    client = Lambda({"error": {"type": type(error).__name__, "message": error.message}})
    with pytest.raises(type(error), match=error.message):
        LambdaSenderRegistry(client, function_name="f").run({"command": "approve", "requestId": "x"})


def test_an_unknown_command_is_invalid_input_not_a_failure():
    answered = answer_command({"command": "drop-tables"}, None)  # type: ignore[arg-type]
    assert answered["error"]["type"] == "InvalidInput"


def test_a_failure_of_the_function_is_ours_and_a_throttled_invocation_is_transient():
    with pytest.raises(SenderRegistryFailed):
        LambdaSenderRegistry(Lambda({"errorType": "KeyError"}, function_error=True), function_name="f").run({})
    with pytest.raises(TransientError):
        LambdaSenderRegistry(Lambda(refusal="TooManyRequestsException"), function_name="f").run({})
