"""The API's Lambda authorizer (decision 0024): checks the bearer token and names the client's API key, so that
API Gateway counts the request against that client's usage plan. A token that does not verify: 401."""

from typing import Any

from ebox import observability
from ebox.pipeline.authorizer import AuthorizerPorts, authorize
from ebox.wiring import services


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: AuthorizerPorts | None = None) -> dict[str, Any]:
    return authorize(event, deps or services().senders.authorizer_ports())
