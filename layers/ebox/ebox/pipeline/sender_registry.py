"""The sender registry's privileged writes (decision 0015): an approval (the sender's organisation,
applications, message types and OAuth client), a suspension or reinstatement (which disable and enable the
sender's clients' API keys, decision 0024), a registry import, a step of the clients' keys backfill. They run
in their own function, whose role alone may write those items; the API asks it (``SenderRegistryCommands``)
and answers the operator with what it returns. A domain error raised here reaches the operator as it would
have from the API itself: it is answered as ``{"error": {"type": <class name>, "message"}}`` (an operator's
mistake is not the function's failure, nor its alarm's business) and the API raises it again by that name."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from ebox.domain.errors import EboxError, InvalidInput
from ebox.domain.onboarding import USAGE_KEYS_STEP_MAX
from ebox.domain.sender_ports import KeylessPage
from ebox.pipeline import onboarding
from ebox.pipeline.onboarding import OnboardingPorts
from ebox.registry_import import import_registry

COMMANDS = ("approve", "suspend", "reinstate", "import", "issue-usage-keys")
logger = logging.getLogger(__name__)


class UsageKeyIssuer(Protocol):
    """A client's API key in the clients' usage plan (decision 0024): ``issue`` is safe to repeat."""

    @property
    def configured(self) -> bool: ...

    def issue(self, client_id: str, *, external: bool = False) -> str: ...

    def set_enabled(self, key_id: str, *, enabled: bool) -> bool: ...

    def organization_key_ids(self, organization_id: str) -> list[str]: ...

    def keyless_clients(self, resume: str | None, scanned: int) -> KeylessPage: ...


@dataclass(frozen=True)
class SenderRegistryPorts:
    onboarding: OnboardingPorts
    registry: Any
    """The whole registry adapter (an import writes enterprises and clients too)."""
    usage_keys: UsageKeyIssuer | None = None


def run_command(command: dict[str, Any], ports: SenderRegistryPorts) -> dict[str, Any]:
    """``{"command": "approve", "requestId", "operator", "now"[, "externalClientId", "externalIssuer"]}``,
    ``{"command": "suspend", "organizationId", "reason", "operator", "now"}``, ``{"command": "reinstate",
    "organizationId"}``, ``{"command": "import", "data"}``, ``{"command": "issue-usage-keys"[, "resume",
    "items"]}``: what the operator is answered."""
    kind = command.get("command")
    if kind == "approve":
        approval = onboarding.approve_request(str(command["requestId"]), ports.onboarding,
                                              operator=str(command["operator"]), now=str(command["now"]),
                                              external_client_id=_optional(command, "externalClientId"),
                                              external_issuer=_optional(command, "externalIssuer"))
        client_id = approval.request.client_id or ""
        plan = _issue_usage_key(ports, client_id, external=approval.client_secret is None,
                                organization_id=approval.request.organization_id)
        return {**approval.view(), "usagePlan": plan}
    if kind == "suspend":
        organization_id = str(command["organizationId"])
        suspended = onboarding.suspend_sender(organization_id, str(command["reason"]), ports.onboarding,
                                              operator=str(command["operator"]), now=str(command["now"]))
        return {**suspended, "usageKeysDisabled": _set_keys_enabled(ports, organization_id, enabled=False)}
    if kind == "reinstate":
        organization_id = str(command["organizationId"])
        reinstated = onboarding.reinstate_sender(organization_id, ports.onboarding)
        return {**reinstated, "usageKeysEnabled": _set_keys_enabled(ports, organization_id, enabled=True)}
    if kind == "issue-usage-keys":
        return _issue_missing_keys(ports, _optional(command, "resume"), command.get("items", 50))
    if kind == "import":
        try:
            imported = import_registry(command["data"], ports.registry)
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"the registry file is not valid: {error!r}") from None
        plans = [_issue_usage_key(ports, str(item["clientId"]), external=False,
                                  organization_id=_optional(item, "enterpriseNumber"))
                 for item in command["data"].get("oauthClients", [])]
        return {"imported": imported, "usageKeys": plans.count("client")}
    raise InvalidInput(f"unknown sender registry command {kind!r}; one of {', '.join(COMMANDS)}")


def _issue_usage_key(ports: SenderRegistryPorts, client_id: str, *, external: bool,
                     organization_id: str | None) -> str:
    """``"client"`` once the client has its own key in the clients' usage plan (disabled if its organisation is
    suspended); ``"shared"`` when none could be made (no plan configured, or API Gateway failed): its requests are
    counted under the shared key meanwhile, and the same command, repeated, or ``ebox admin issue-usage-keys``
    makes it (decision 0024). The registration itself stands either way."""
    if ports.usage_keys is None or not ports.usage_keys.configured or not client_id:
        return "shared"
    try:
        key_id = ports.usage_keys.issue(client_id, external=external)
        if organization_id and ports.onboarding.registry.sender_suspended(organization_id):
            ports.usage_keys.set_enabled(key_id, enabled=False)
    except Exception:  # noqa: BLE001 - the approval stands; the operator is told, the log has why
        logger.exception("no usage key for client %s: it shares the shared usage plan until one is issued", client_id)
        return "shared"
    return "client"


def _set_keys_enabled(ports: SenderRegistryPorts, organization_id: str, *, enabled: bool) -> int | None:
    """Disables (a suspension) or enables (a reinstatement) the organisation's clients' API keys: API Gateway then
    refuses a suspended sender's traffic before the API runs (the API refuses its publications anyway). The
    suspension or reinstatement stands if this fails: None tells the operator, who repeats the command (safe to
    repeat); the count of keys changed otherwise."""
    if ports.usage_keys is None or not ports.usage_keys.configured:
        return 0
    try:
        return sum(ports.usage_keys.set_enabled(key_id, enabled=enabled)
                   for key_id in ports.usage_keys.organization_key_ids(organization_id))
    except Exception:  # noqa: BLE001 - the decision stands; the operator is told, the log has why
        logger.exception("the usage keys of %s were not all %s; repeat the command", organization_id,
                         "enabled" if enabled else "disabled")
        return None


def _issue_missing_keys(ports: SenderRegistryPorts, resume: str | None, items: Any) -> dict[str, Any]:
    """One bounded step of the keys' backfill (``ebox admin issue-usage-keys``): the clients without a key among
    ``items`` registry items from ``resume`` get one; call again with the answer's ``resume`` until ``done``.
    A client whose key could not be made is counted in ``failed`` and found again by the next run."""
    if not isinstance(items, int) or isinstance(items, bool) or not 1 <= items <= USAGE_KEYS_STEP_MAX:
        raise InvalidInput(f"items is 1 to {USAGE_KEYS_STEP_MAX}")
    if ports.usage_keys is None or not ports.usage_keys.configured:
        raise InvalidInput("no clients' usage plan is configured (EBOX_USAGE_PLAN_ID): every client shares the "
                           "shared key")
    page = ports.usage_keys.keyless_clients(resume, items)
    plans = [_issue_usage_key(ports, c.client_id, external=c.external, organization_id=c.organization_id)
             for c in page.clients]
    return {"issued": plans.count("client"), "failed": plans.count("shared"), "resume": page.resume,
            "done": page.resume is None}


def _optional(command: dict[str, Any], name: str) -> str | None:
    value = command.get(name)
    return None if value is None else str(value)


def answer_command(command: dict[str, Any], ports: SenderRegistryPorts) -> dict[str, Any]:
    """``run_command``'s answer, or the domain error it raised as ``{"error": ...}``."""
    try:
        return run_command(command, ports)
    except EboxError as error:
        return {"error": {"type": type(error).__name__, "message": error.message}}
