"""Runs the project's Lambda handlers in this process, loaded from their files as Lambda loads them."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebox_local.provisioning import LocalFunction

logger = logging.getLogger("ebox_local")
Handler = Callable[[Any, Any], Any]
_LOADED: dict[tuple[Path, str], Handler] = {}


def load_handler(code_dir: Path, handler: str) -> Handler:
    """`CodeUri` + `Handler` (`module.function`) → the callable, imported once per process."""
    module_name, _, attribute = handler.rpartition(".")
    path = (code_dir / (module_name.replace(".", "/") + ".py")).resolve()
    key = (path, attribute)
    if key not in _LOADED:
        unique = "ebox_fn_" + hashlib.sha1(str(path).encode()).hexdigest()[:10]  # noqa: S324 - a name, not security
        spec = importlib.util.spec_from_file_location(unique, path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(f"no handler module at {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _LOADED[key] = getattr(module, attribute)
    return _LOADED[key]


@dataclass
class LambdaContext:
    """What a handler may ask of its context object, as the Python runtime provides it."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 30
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self._started)) * 1000))


def invoke(function: LocalFunction, event: Any) -> Any:
    """Calls the function's handler with ``event``, logging duration and outcome."""
    handler = load_handler(function.code_dir, function.handler)
    context = LambdaContext(function.name, function.arn, timeout_seconds=function.timeout)
    started = time.perf_counter()
    try:
        result = handler(event, context)
    except Exception as error:
        logger.warning("lambda %s failed in %.0f ms: %s: %s", function.logical_id,
                       (time.perf_counter() - started) * 1000, type(error).__name__, error)
        raise
    logger.info("lambda %s ok in %.0f ms", function.logical_id, (time.perf_counter() - started) * 1000)
    return result
