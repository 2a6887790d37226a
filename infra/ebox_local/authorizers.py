"""API Gateway's Lambda TOKEN authorizers, locally: the header checked against `ValidationExpression`, the
authorizer function invoked (the real handler, as every function locally) with API Gateway's TOKEN event, its
answer cached per header value for `ReauthorizeEvery` seconds, its policy evaluated against the method ARN.
What API Gateway would answer instead of calling the integration is named by its gateway response type
(UNAUTHORIZED, ACCESS_DENIED, AUTHORIZER_FAILURE, AUTHORIZER_CONFIGURATION_ERROR)."""

from __future__ import annotations

import fnmatch
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ebox_local.model import LambdaAuthorizer, LocalFunction
from ebox_local.template import ACCOUNT_ID

logger = logging.getLogger("ebox_local")
CACHE_ENTRIES = 10_000
Invoker = Callable[[LocalFunction, Any], Any]


@dataclass(frozen=True)
class Authorization:
    """``refusal`` is None when the request may go on; else the gateway response type that answers it."""

    refusal: str | None
    principal_id: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    usage_key: str | None = None


def method_arn(region: str, method: str, path: str) -> str:
    return f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:local/local/{method.upper()}{path}"


def allows(policy: Any, arn: str) -> bool:
    """IAM's rule for `execute-api:Invoke`: an explicit Deny wins, then any Allow; nothing matching is a deny."""
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    decisions = set()
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions) and any(
                fnmatch.fnmatchcase(arn, r) for r in resources):
            decisions.add(str(statement.get("Effect", "")).lower())
    return "allow" in decisions and "deny" not in decisions


class LocalAuthorizers:
    def __init__(self, invoker: Invoker, functions: dict[str, LocalFunction], region: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._invoke, self._functions, self._region, self._clock = invoker, functions, region, clock
        self._cache: OrderedDict[tuple[str, str], tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.invocations = 0
        """How many times an authorizer function ran (the cache's worth, for tests)."""

    def authorize(self, authorizer: LambdaAuthorizer, header: str | None, method: str, path: str) -> Authorization:
        if not header or (authorizer.validation and not re.fullmatch(authorizer.validation, header)):
            return Authorization("UNAUTHORIZED")
        arn = method_arn(self._region, method, path)
        answer = self._cached(authorizer, header)
        if answer is None:
            try:
                answer = self._invoke(self._functions[authorizer.function],
                                      {"type": "TOKEN", "authorizationToken": header, "methodArn": arn})
            except Exception as error:  # noqa: BLE001 - API Gateway's answer to a failed authorizer
                logger.warning("authorizer %s failed: %s: %s", authorizer.name, type(error).__name__, error)
                return Authorization("AUTHORIZER_FAILURE")
            finally:
                self.invocations += 1
            if not isinstance(answer, dict) or "principalId" not in answer or "policyDocument" not in answer:
                logger.warning("authorizer %s answered without principalId and policyDocument", authorizer.name)
                return Authorization("AUTHORIZER_CONFIGURATION_ERROR")
            self._remember(authorizer, header, answer)
        context = {str(k): str(v) for k, v in (answer.get("context") or {}).items()}
        if not allows(answer["policyDocument"], arn):
            return Authorization("ACCESS_DENIED", str(answer["principalId"]), context)
        key = answer.get("usageIdentifierKey")
        return Authorization(None, str(answer["principalId"]), context, str(key) if key else None)

    def _cached(self, authorizer: LambdaAuthorizer, header: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._cache.get((authorizer.name, header))
            if found is None or found[0] <= self._clock():
                return None
            return found[1]

    def _remember(self, authorizer: LambdaAuthorizer, header: str, answer: dict[str, Any]) -> None:
        if authorizer.ttl_seconds <= 0:
            return
        with self._lock:
            self._cache[(authorizer.name, header)] = (self._clock() + authorizer.ttl_seconds, answer)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
