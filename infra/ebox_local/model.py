"""What the provisioner made from template.yaml: physical ids, functions (code, handler, resolved
environment), event source mappings and API routes. The rest of the local stack runs from this."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebox_local.template import ACCOUNT_ID, Resolver

PREFIX = "ebox-local"
ClientFactory = Callable[[str], Any]


@dataclass(frozen=True)
class LocalFunction:
    """An `AWS::Serverless::Function`, Globals merged, intrinsics resolved."""

    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: dict[str, str]
    timeout: int = 3
    memory_mb: int = 128


@dataclass(frozen=True)
class SqsMapping:
    """A function's `Type: SQS` event: the local pollers deliver the queue's messages to it."""

    function: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    report_batch_item_failures: bool = False
    concurrency: int = 1  # ScalingConfig.MaximumConcurrency, capped locally (see sqs_pollers.LOCAL_MAX_CONCURRENCY)


@dataclass(frozen=True)
class StreamMapping:
    """A function's `Type: DynamoDB` event: the local stream pollers deliver the table's stream to it."""

    function: str
    table_name: str
    stream_arn: str
    batch_size: int = 100
    filters: tuple[Any, ...] = ()  # FilterCriteria patterns, parsed
    tumbling_window_seconds: int = 0  # TumblingWindowInSeconds: the event names its shard, the answer a state


@dataclass(frozen=True)
class ApiRoute:
    """A function's `Type: Api` event (`Path` may hold `{name}` and `{proxy+}`; `Method` may be ANY), with the
    authorizer it goes through (its API's default unless the event says `Authorizer: NONE` or another) and
    whether it needs an API key (usage plans)."""

    path: str
    method: str
    function: str
    api: str | None = None
    """The logical id of its `AWS::Serverless::Api` (None: SAM's implicit API)."""
    authorizer: str | None = None
    api_key_required: bool = False


@dataclass(frozen=True)
class LambdaAuthorizer:
    """A `TOKEN` Lambda authorizer of an API (SAM's `Auth.Authorizers.<name>` with a `FunctionArn`)."""

    name: str
    function: str
    """The logical id of the authorizer's function."""
    header: str = "Authorization"
    validation: str | None = None
    """`Identity.ValidationExpression`: a header that does not match is refused without an invocation."""
    ttl_seconds: int = 300
    """`Identity.ReauthorizeEvery`: how long an answer is cached per header value (0: never)."""


@dataclass(frozen=True)
class GatewayResponse:
    """One of the API's `GatewayResponses` (UNAUTHORIZED, ACCESS_DENIED, THROTTLED...), resolved."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    template: str | None = None
    """The `application/json` body template (`$context.requestId`, `$context.authorizer.<key>`)."""


@dataclass(frozen=True)
class ApiSettings:
    """What API Gateway does before the integration: authorizers, API keys, its own answers."""

    authorizers: dict[str, LambdaAuthorizer] = field(default_factory=dict)
    default_authorizer: str | None = None
    api_key_required: bool = False
    api_key_source: str = "HEADER"
    responses: dict[str, GatewayResponse] = field(default_factory=dict)


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    physical_id: Any
    emulated: bool = True


@dataclass
class Provisioned:
    region: str = "eu-west-1"
    environment: dict[str, str] = field(default_factory=dict)
    """The union of every function's resolved environment variables (what the process runs with)."""
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    sqs_mappings: list[SqsMapping] = field(default_factory=list)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    api_routes: list[ApiRoute] = field(default_factory=list)
    apis: dict[str | None, ApiSettings] = field(default_factory=dict)
    """Each API's settings, by logical id (None: SAM's implicit API, from Globals.Api)."""
    binary_media_types: list[str] = field(default_factory=list)
    schedules: list[Any] = field(default_factory=list)
    """The functions' `Type: Schedule` events (ebox_local.schedules.LocalSchedule), fired on demand."""
    resources: dict[str, Resource] = field(default_factory=dict)
    refs: dict[str, Any] = field(default_factory=dict)

    def queue_url(self, logical_id: str) -> str:
        return str(self.refs[logical_id])

    def physical_id(self, logical_id: str) -> Any:
        return self.resources[logical_id].physical_id

    def function_by_name(self, name_or_arn: str) -> LocalFunction | None:
        """By name, ARN (qualified or not) or logical id, as Lambda's Invoke accepts them."""
        name = name_or_arn.rsplit(":function:", 1)[-1].split(":", 1)[0]
        return next((f for f in self.functions.values() if name in (f.name, f.logical_id)), None)

    @property
    def skipped(self) -> list[Resource]:
        return [r for r in self.resources.values() if not r.emulated]


@dataclass
class ProvisioningContext:
    """What a resource creator may use: the template, its resolver, boto3 clients, the result so far."""

    root: Path
    template: dict[str, Any]
    resolver: Resolver
    region: str
    clients: ClientFactory
    result: Provisioned
    prefix: str = PREFIX
    """Begins the physical names the template leaves to the provisioner (queues, functions...)."""
    invocation_url: Callable[[str], str] | None = None
    """For an emulator in another process: where it sends a function's invocations (by function name)."""
    _role_arn: str | None = None

    def client(self, service: str) -> Any:
        return self.clients(service)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{resource}"

    def execution_role(self) -> str:
        """One IAM role for every function and state machine (moto's Lambda wants one that exists)."""
        if self._role_arn is None:
            trust = {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com", "events.amazonaws.com"]}}]}
            self._role_arn = str(self.client("iam").create_role(
                RoleName=f"{self.prefix}-execution", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
        return self._role_arn


Created = tuple[Any, dict[str, Any]]
"""A creator's answer: what `!Ref` gives, and the attributes `!GetAtt` may read."""
Creator = Callable[[ProvisioningContext, str, dict[str, Any]], Created]
