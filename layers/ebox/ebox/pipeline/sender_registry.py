"""The sender registry's privileged writes (decision 0015): an approval (the sender's organisation,
applications, message types and OAuth client), a suspension or reinstatement, a registry import. They run
in their own function, whose role alone may write those items; the API asks it (``SenderRegistryCommands``)
and answers the operator with what it returns. A domain error raised here reaches the operator as it would
have from the API itself: it is answered as ``{"error": {"type": <class name>, "message"}}`` (an operator's
mistake is not the function's failure, nor its alarm's business) and the API raises it again by that name."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from ebox.domain.errors import EboxError, InvalidInput
from ebox.pipeline import onboarding
from ebox.pipeline.onboarding import OnboardingPorts
from ebox.registry_import import import_registry

COMMANDS = ("approve", "suspend", "reinstate", "import")
logger = logging.getLogger(__name__)


class UsageKeyIssuer(Protocol):
    """A client's API key in the clients' usage plan (decision 0024): ``issue`` is safe to repeat."""

    @property
    def configured(self) -> bool: ...

    def issue(self, client_id: str, *, external: bool = False) -> str: ...


@dataclass(frozen=True)
class SenderRegistryPorts:
    onboarding: OnboardingPorts
    registry: Any
    """The whole registry adapter (an import writes enterprises and clients too)."""
    usage_keys: UsageKeyIssuer | None = None


def run_command(command: dict[str, Any], ports: SenderRegistryPorts) -> dict[str, Any]:
    """``{"command": "approve", "requestId", "operator", "now"[, "externalClientId", "externalIssuer"]}``,
    ``{"command": "suspend", "organizationId", "reason", "operator", "now"}``, ``{"command": "reinstate",
    "organizationId"}``, ``{"command": "import", "data"}``: what the operator is answered."""
    kind = command.get("command")
    if kind == "approve":
        approval = onboarding.approve_request(str(command["requestId"]), ports.onboarding,
                                              operator=str(command["operator"]), now=str(command["now"]),
                                              external_client_id=_optional(command, "externalClientId"),
                                              external_issuer=_optional(command, "externalIssuer"))
        client_id = approval.request.client_id or ""
        plan = _issue_usage_key(ports, client_id, external=approval.client_secret is None)
        return {**approval.view(), "usagePlan": plan}
    if kind == "suspend":
        return onboarding.suspend_sender(str(command["organizationId"]), str(command["reason"]), ports.onboarding,
                                         operator=str(command["operator"]), now=str(command["now"]))
    if kind == "reinstate":
        return onboarding.reinstate_sender(str(command["organizationId"]), ports.onboarding)
    if kind == "import":
        try:
            imported = import_registry(command["data"], ports.registry)
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"the registry file is not valid: {error!r}") from None
        plans = [_issue_usage_key(ports, str(item["clientId"]), external=False)
                 for item in command["data"].get("oauthClients", [])]
        return {"imported": imported, "usageKeys": plans.count("client")}
    raise InvalidInput(f"unknown sender registry command {kind!r}; one of {', '.join(COMMANDS)}")


def _issue_usage_key(ports: SenderRegistryPorts, client_id: str, *, external: bool) -> str:
    """``"client"`` once the client has its own key in the clients' usage plan; ``"shared"`` when none could be
    made (no plan configured, or API Gateway failed): its requests are counted under the shared key meanwhile,
    and the same command, repeated, makes it (decision 0024). The registration itself stands either way."""
    if ports.usage_keys is None or not ports.usage_keys.configured or not client_id:
        return "shared"
    try:
        ports.usage_keys.issue(client_id, external=external)
    except Exception:  # noqa: BLE001 - the approval stands; the operator is told, the log has why
        logger.exception("no usage key for client %s: it shares the shared usage plan until one is issued", client_id)
        return "shared"
    return "client"


def _optional(command: dict[str, Any], name: str) -> str | None:
    value = command.get(name)
    return None if value is None else str(value)


def answer_command(command: dict[str, Any], ports: SenderRegistryPorts) -> dict[str, Any]:
    """``run_command``'s answer, or the domain error it raised as ``{"error": ...}``."""
    try:
        return run_command(command, ports)
    except EboxError as error:
        return {"error": {"type": type(error).__name__, "message": error.message}}
