"""Lambda's Invoke, answered by the local runtime: the one place that turns an invocation of a template
function into a call of its real handler in this process, whoever asks.

- moto (in this process) asks through `moto_bridges`, which calls `answer_invoke` directly;
- LocalStack (its own process, no Docker) asks over HTTP: each function is created there with
  `EBOX_LOCAL_INVOKE_URL` pointing at an `InvocationServer`, and LocalStack's `ebox-forward` runtime
  executor (infra/localstack_executor) POSTs every invocation to it."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from ebox_local.functions import invoke, invoke_for_payload
from ebox_local.model import LocalFunction, Provisioned

logger = logging.getLogger("ebox_local")
INVOKE_URL_VARIABLE = "EBOX_LOCAL_INVOKE_URL"
PATH_PREFIX = "/2015-03-31/functions/"
POLL_INTERVAL = 0.1


@dataclass(frozen=True)
class InvokeAnswer:
    status: int
    payload: bytes
    function_error: str | None = None


def answer_invoke(function: LocalFunction, body: bytes | str | None, invocation_type: str | None) -> InvokeAnswer:
    """What Lambda answers an Invoke of ``function``: RequestResponse runs the handler and returns its
    payload (and FunctionError); Event runs it in the background (202); DryRun runs nothing (204)."""
    event = json.loads(body) if body else {}
    kind = invocation_type or "RequestResponse"
    if kind == "DryRun":
        return InvokeAnswer(204, b"")
    if kind == "Event":
        in_background(function.logical_id, lambda: invoke(function, event))
        return InvokeAnswer(202, b"")
    payload, function_error = invoke_for_payload(function, event)
    return InvokeAnswer(200, payload, function_error)


def in_background(name: str, work: Callable[[], Any]) -> None:
    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - an asynchronous invocation's failure is logged, as Lambda does
            logger.debug("asynchronous invocation of %s failed", name, exc_info=True)

    threading.Thread(target=run, name=f"async-{name}", daemon=True).start()


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """`invoke` logs each invocation itself."""


class InvocationServer:
    """`POST /2015-03-31/functions/{name}/invocations` on a free loopback port, for an emulator in
    another process. Created before provisioning (the functions are created with `url_for(...)`),
    given the provisioned functions once they exist, closed with `close()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.provisioned: Provisioned | None = None
        self._server: BaseWSGIServer = make_server(host, port, self._app, threaded=True, request_handler=_Quiet)
        self.base_url = f"http://{host}:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": POLL_INTERVAL},
                         name="lambda-invocations", daemon=True).start()

    def url_for(self, function_name: str) -> str:
        return f"{self.base_url}{PATH_PREFIX}{function_name}/invocations"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        name = request.path.removeprefix(PATH_PREFIX).removesuffix("/invocations")
        function = self.provisioned.function_by_name(name) if self.provisioned else None
        if request.method != "POST" or not request.path.startswith(PATH_PREFIX) or function is None:
            body = json.dumps({"Type": "User", "message": f"Function not found: {name}"})
            response = Response(body, status=404, content_type="application/json",
                                headers={"X-Amzn-ErrorType": "ResourceNotFoundException"})
            return response(environ, start_response)
        answer = answer_invoke(function, request.get_data(), request.headers.get("X-Amz-Invocation-Type"))
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if answer.function_error:
            headers["X-Amz-Function-Error"] = answer.function_error
        response = Response(answer.payload, status=answer.status, content_type="application/json", headers=headers)
        return response(environ, start_response)
