"""The API's side of the sender registry function (decision 0015): a synchronous Lambda invocation, so that
the operator is answered as before (an approval's client secret is shown once, in that answer)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import raise_classified
from ebox.domain import errors
from ebox.domain.errors import SenderRegistryFailed


class LambdaSenderRegistry:
    def __init__(self, lambda_client: Any, *, function_name: str) -> None:
        if not function_name:
            raise RuntimeError("the sender registry function is not configured (EBOX_SENDER_REGISTRY_FUNCTION)")
        self._lambda, self._function = lambda_client, function_name

    def run(self, command: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = self._lambda.invoke(FunctionName=self._function, InvocationType="RequestResponse",
                                         Payload=json.dumps(command).encode())
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)
        payload = json.loads(answer["Payload"].read() or b"null")
        if answer.get("FunctionError") or not isinstance(payload, dict):
            raise SenderRegistryFailed(f"the sender registry function failed: {payload!r}"[:500])
        if "error" in payload:
            raise _domain_error(payload["error"])
        return payload


def _domain_error(error: dict[str, Any]) -> Exception:
    """The function's domain error as the API would have raised it, by its class name."""
    name, message = str(error.get("type", "")), str(error.get("message", ""))
    found = getattr(errors, name, None)
    if isinstance(found, type) and issubclass(found, errors.EboxError):
        try:
            return found(message)
        except TypeError:  # an error with more arguments than a message: none of the registry's raises one
            pass
    return SenderRegistryFailed(f"the sender registry function failed: {name}: {message}")
