"""The Lambda runtime, in this process: handlers are loaded from their files as Lambda loads them
(`CodeUri` + `Handler`, no sys.path change), called with a context object, timed and logged."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebox_local.errors import HandlerNotFound
from ebox_local.model import LocalFunction

logger = logging.getLogger("ebox_local")
Handler = Callable[[Any, Any], Any]
_LOADED: dict[tuple[Path, str], Handler] = {}
_LOADING = threading.Lock()


def load_handler(code_dir: Path, handler: str) -> Handler:
    """`CodeUri` + `Handler` (`module.attribute`, module may be dotted) → the callable, imported once
    per process (a cold start) under a name of its own, so that two `app.py` never collide."""
    module_name, _, attribute = handler.rpartition(".")
    path = (code_dir / (module_name.replace(".", "/") + ".py")).resolve()
    key = (path, attribute)
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = _import(path, attribute)
        return _LOADED[key]


def _import(path: Path, attribute: str) -> Handler:
    if not path.is_file():
        raise HandlerNotFound(f"no handler module at {path}")
    unique = "ebox_local_fn_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]  # noqa: S324 - a name
    spec = importlib.util.spec_from_file_location(unique, path)
    if spec is None or spec.loader is None:
        raise HandlerNotFound(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module  # as importlib does: dataclasses and pickling look modules up there
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[unique]
        raise
    found = getattr(module, attribute, None)
    if not callable(found):
        raise HandlerNotFound(f"{path} has no callable {attribute!r}")
    return found  # type: ignore[no-any-return]


def forget_handlers() -> None:
    """The next invocation of each function imports its module again (a fresh cold start)."""
    with _LOADING:
        for name in [n for n in sys.modules if n.startswith("ebox_local_fn_")]:
            del sys.modules[name]
        _LOADED.clear()


@dataclass
class LambdaContext:
    """What a handler may ask of its context object, as the Python runtime provides it."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 128
    timeout_seconds: int = 3
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


def invoke(function: LocalFunction, event: Any) -> Any:
    """Calls the function's handler with ``event``; logs duration and outcome; lets errors through."""
    handler = load_handler(function.code_dir, function.handler)
    context = LambdaContext(function.name, function.arn, function.memory_mb, function.timeout)
    started = time.perf_counter()
    try:
        result = handler(event, context)
    except Exception as error:
        logger.warning("invoke %s error %s: %s (%.0f ms)", function.logical_id, type(error).__name__, error,
                       (time.perf_counter() - started) * 1000)
        raise
    elapsed = (time.perf_counter() - started) * 1000
    if elapsed > function.timeout * 1000:
        logger.warning("invoke %s ok in %.0f ms, beyond its %d s timeout (AWS would have stopped it)",
                       function.logical_id, elapsed, function.timeout)
    else:
        logger.info("invoke %s ok (%.0f ms)", function.logical_id, elapsed)
    return result


def invoke_for_payload(function: LocalFunction, event: Any) -> tuple[bytes, str | None]:
    """What Lambda's Invoke API answers: the JSON payload and, when the handler failed, the
    FunctionError. A failure's payload names the exception class as `errorType`, as the Python runtime
    does, so that Step Functions' `ErrorEquals` match it."""
    try:
        result = invoke(function, event)
    except Exception as error:  # noqa: BLE001 - a handler's failure is the caller's answer, as on Lambda
        return error_payload(error), "Unhandled"
    try:
        return json.dumps(result).encode(), None
    except (TypeError, ValueError) as error:
        logger.warning("invoke %s: result is not JSON: %s", function.logical_id, error)
        return json.dumps({"errorType": "Runtime.MarshalError", "errorMessage": str(error)}).encode(), "Unhandled"


def error_payload(error: BaseException) -> bytes:
    return json.dumps({
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "requestId": str(uuid.uuid4()),
        "stackTrace": traceback.format_tb(error.__traceback__),
    }).encode()
