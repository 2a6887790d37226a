"""A LocalStack Lambda runtime executor for machines without Docker.

LocalStack runs Lambda code only in containers. This executor, selected with
``LAMBDA_RUNTIME_EXECUTOR=ebox-forward``, runs none: each invocation is POSTed, as Lambda's Invoke API
would receive it, to the URL in the function's ``EBOX_LOCAL_INVOKE_URL`` environment variable, where the
e-Box local runtime (``ebox_local.invocations``) runs the project's real handler in its own process and
answers with the payload and, for a failed handler, ``X-Amz-Function-Error``. Everything around the call
(Step Functions tasks, EventBridge targets, async invokes, retries, concurrency) stays LocalStack's.

It is installed into LocalStack's own virtual environment (Python 3.13) by ``ebox-localstack``; it
imports LocalStack, so it is not part of the e-Box package."""

from __future__ import annotations

import logging

import requests
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin
from localstack.services.lambda_.invocation.runtime_executor import RuntimeExecutor

LOG = logging.getLogger(__name__)
INVOKE_URL_VARIABLE = "EBOX_LOCAL_INVOKE_URL"
EXTRA_SECONDS = 10  # beyond the function's own timeout, for the HTTP hop


class ForwardingExecutor(RuntimeExecutor):
    """One "execution environment": it remembers where its function's handler runs."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:  # noqa: A002 - LocalStack's name
        super().__init__(id, function_version)
        self._invoke_url: str | None = None
        self._logs = ""

    def start(self, env_vars: dict[str, str]) -> None:
        self._invoke_url = env_vars.get(INVOKE_URL_VARIABLE)
        if not self._invoke_url:
            raise RuntimeError(
                f"function {self.function_version.id.function_name} has no {INVOKE_URL_VARIABLE}: only functions "
                "provisioned by the e-Box local runtime can run on this LocalStack (it has no Docker)")

    def stop(self) -> None:
        """Nothing runs here between invocations."""

    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        return "127.0.0.1"

    def get_runtime_endpoint(self) -> str:
        return self._invoke_url or ""

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        assert self._invoke_url is not None
        timeout = self.function_version.config.timeout + EXTRA_SECONDS
        response = requests.post(
            self._invoke_url, data=payload["payload"].encode(), timeout=timeout,
            headers={"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse",
                     "X-Ebox-Function-Arn": payload["invoked-function-arn"],
                     "X-Amzn-Trace-Id": payload.get("trace-id", "")})
        response.raise_for_status()
        error = response.headers.get("X-Amz-Function-Error")
        self._logs = f"invoked through {self._invoke_url}: {'error ' + error if error else 'ok'}\n"
        return InvocationResult(request_id=payload["invoke-id"], payload=response.content, is_error=bool(error),
                                logs=self._logs)

    def get_logs(self) -> str:
        return self._logs

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        """No image to build: the code is the e-Box runtime's, on its own side."""

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        """Nothing was prepared."""


class ForwardingExecutorPlugin(RuntimeExecutorPlugin):
    name = "ebox-forward"

    def load(self, *args: object, **kwargs: object) -> type[RuntimeExecutor]:
        return ForwardingExecutor
