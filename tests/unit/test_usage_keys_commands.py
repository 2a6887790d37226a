"""The sender registry function's usage keys (decision 0024) with fakes: a suspension disables the sender's
clients' keys and a reinstatement enables them, the decision standing if API Gateway fails; the keys' backfill
gives keyless clients a key, disabled for a suspended sender's, one bounded step at a time."""

from __future__ import annotations

from typing import Any

import pytest
from ebox.domain.sender_ports import KeylessClient, KeylessPage
from ebox.pipeline.onboarding import OnboardingPorts
from ebox.pipeline.sender_registry import SenderRegistryPorts, answer_command


class Registry:
    def __init__(self, suspended: set[str] | None = None) -> None:
        self.suspended = suspended or set()

    def sender_suspended(self, organization_id: str) -> bool:
        return organization_id in self.suspended

    def suspend_sender(self, organization_id: str, **_: Any) -> None:
        self.suspended.add(organization_id)

    def reinstate_sender(self, organization_id: str) -> None:
        self.suspended.discard(organization_id)


class Keys:
    configured = True

    def __init__(self, owners: dict[str, str], pages: list[KeylessPage] | None = None, fail: bool = False) -> None:
        self.owners, self.pages, self.fail = owners, pages or [], fail
        self.enabled: dict[str, bool] = dict.fromkeys(owners, True)
        self.asked: list[tuple[str | None, int]] = []

    def issue(self, client_id: str, *, external: bool = False) -> str:
        self.enabled.setdefault(f"key-{client_id}", True)
        return f"key-{client_id}"

    def set_enabled(self, key_id: str, *, enabled: bool) -> bool:
        if self.fail:
            raise RuntimeError("apigateway unreachable")
        self.enabled[key_id] = enabled
        return True

    def organization_key_ids(self, organization_id: str) -> list[str]:
        return [key for key, owner in self.owners.items() if owner == organization_id]

    def keyless_clients(self, resume: str | None, scanned: int) -> KeylessPage:
        self.asked.append((resume, scanned))
        return self.pages[0 if resume is None else int(resume)]


def _ports(registry: Registry, keys: Keys) -> SenderRegistryPorts:
    return SenderRegistryPorts(onboarding=OnboardingPorts(requests=None, registry=registry, signer=None),  # type: ignore[arg-type]
                               registry=registry, usage_keys=keys)


def test_a_suspension_disables_the_sender_s_keys_and_a_reinstatement_enables_them():
    keys = Keys({"k1": "0207436874", "k2": "0207436874", "k3": "0406798006"})
    ports = _ports(Registry(), keys)
    suspend = {"command": "suspend", "organizationId": "0207436874", "reason": "r", "operator": "o", "now": "t"}
    assert answer_command(suspend, ports)["usageKeysDisabled"] == 2
    assert answer_command(suspend, ports)["usageKeysDisabled"] == 2, "safe to repeat"
    assert keys.enabled == {"k1": False, "k2": False, "k3": True}
    answer = answer_command({"command": "reinstate", "organizationId": "0207436874"}, ports)
    assert answer == {"organizationId": "0207436874", "suspended": False, "usageKeysEnabled": 2}
    assert all(keys.enabled.values())


def test_a_suspension_stands_when_its_keys_cannot_be_disabled():
    registry = Registry()
    answer = answer_command({"command": "suspend", "organizationId": "0207436874", "reason": "r", "operator": "o",
                             "now": "t"}, _ports(registry, Keys({"k1": "0207436874"}, fail=True)))
    assert answer["suspended"] is True and answer["usageKeysDisabled"] is None, "the operator repeats the command"
    assert registry.sender_suspended("0207436874")


def test_the_backfill_issues_keys_a_step_at_a_time_and_a_suspended_sender_s_key_disabled():
    keys = Keys({}, pages=[
        KeylessPage([KeylessClient("ent-1", False, "0207436874"), KeylessClient("idp-2", True, "0406798006")], "1"),
        KeylessPage([KeylessClient("citizen-3", False, None)], None)])
    ports = _ports(Registry({"0406798006"}), keys)
    first = answer_command({"command": "issue-usage-keys", "items": 20}, ports)
    assert first == {"issued": 2, "failed": 0, "resume": "1", "done": False}
    last = answer_command({"command": "issue-usage-keys", "items": 20, "resume": "1"}, ports)
    assert last == {"issued": 1, "failed": 0, "resume": None, "done": True}
    assert keys.asked == [(None, 20), ("1", 20)]
    assert keys.enabled == {"key-ent-1": True, "key-idp-2": False, "key-citizen-3": True}


@pytest.mark.parametrize("items", [0, 201, "50", True])
def test_a_backfill_step_reads_a_bounded_number_of_items(items):
    answer = answer_command({"command": "issue-usage-keys", "items": items}, _ports(Registry(), Keys({})))
    assert answer["error"]["type"] == "InvalidInput"
