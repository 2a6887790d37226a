"""Fault injection for the moto tier: every AWS call the code under test makes, counted and, on demand,
made to fail.

Every boto3 and pynamodb client sends its calls through ``botocore.client.BaseClient._make_api_call``;
`injected` wraps it for a block. While a step is under way (`Injector.step`), each call is counted as
``(step, "service:Operation", n)`` (the n-th such call of that step), so that a clean run lists the
calls a path makes (`Injector.calls`), and a `Fault` aimed at one of them fires once, on its first
occurrence:

- ``throttling``: the call is refused before it is applied, as a ``ThrottlingException`` (DynamoDB:
  ``ProvisionedThroughputExceededException``) that has outlasted the SDK's own retries;
- ``5xx``: the same, a ``ServiceUnavailable`` (HTTP 503);
- ``timeout``: the call is applied, its answer lost: the caller gets ``ReadTimeoutError``;
- ``crash``: the call is applied, then the invocation dies (`InjectedCrash`, a ``BaseException`` that
  no ``except Exception`` in the code under test catches, as nothing catches a killed process).

Calls made outside a step (the test's own reads, the stack's reset) are neither counted nor failed."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError, ReadTimeoutError

FAULTS = ("throttling", "5xx", "timeout", "crash")
THROTTLING_CODES = {"dynamodb": "ProvisionedThroughputExceededException"}


class InjectedCrash(BaseException):  # noqa: N818 - named after what it stands for: a process killed
    """The invocation ended right after an AWS call (its process killed, its time out)."""


@dataclass(frozen=True)
class Call:
    step: str
    operation: str
    """``service:Operation``, e.g. ``dynamodb:TransactWriteItems``."""
    nth: int

    def __str__(self) -> str:
        return f"{self.step} · {self.operation}" + (f" #{self.nth}" if self.nth > 1 else "")


@dataclass(frozen=True)
class Fault:
    call: Call
    kind: str


@dataclass
class Injector:
    fault: Fault | None = None
    fired: bool = False
    calls: list[Call] = field(default_factory=list)
    _step: str | None = None
    _counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Calls made in the block are the step's (each attempt of a step counts its calls again)."""
        previous, self._step = self._step, name
        self._counts = Counter({k: v for k, v in self._counts.items() if k[0] != name})
        try:
            yield
        finally:
            self._step = previous

    def call(self, client: Any, original: Any, operation: str, params: Any) -> Any:
        if self._step is None:
            return original(client, operation, params)
        service = client.meta.service_model.service_name
        name = f"{service}:{operation}"
        self._counts[(self._step, name)] += 1
        this = Call(self._step, name, self._counts[(self._step, name)])
        self.calls.append(this)
        kind = self._due(this)
        if kind in {"throttling", "5xx"}:
            raise _refusal(kind, service, operation)
        answer = original(client, operation, params)
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=f"https://{service}.eu-west-1.amazonaws.com/")
        if kind == "crash":
            raise InjectedCrash(str(this))
        return answer

    def _due(self, call: Call) -> str | None:
        if self.fault is None or self.fired or self.fault.call != call:
            return None
        self.fired = True
        return self.fault.kind


def _refusal(kind: str, service: str, operation: str) -> ClientError:
    if kind == "throttling":
        code, status = THROTTLING_CODES.get(service, "ThrottlingException"), 400
    else:
        code, status = "ServiceUnavailable", 503
    return ClientError({"Error": {"Code": code, "Message": f"injected {kind}"},
                        "ResponseMetadata": {"HTTPStatusCode": status, "MaxAttemptsReached": True}}, operation)


@contextlib.contextmanager
def injected(injector: Injector) -> Iterator[Injector]:
    """Every client's calls go through ``injector`` for the block."""
    original = BaseClient._make_api_call

    def make_api_call(client: Any, operation: str, params: Any) -> Any:
        return injector.call(client, original, operation, params)

    BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield injector
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
