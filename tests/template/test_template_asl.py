"""Every statemachines/*.asl.json is valid Amazon States Language: the npm `asl-validator` (4.0.0)
accepts it, and the house rules hold: transitions name existing states, every state is reachable,
every Task retries and catches, and the definition is JSONPath (moto and LocalStack run no JSONata)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = sorted((ROOT / "statemachines").glob("*.asl.json"))
ASL_IDS = [p.name for p in DEFINITIONS]

Scope = tuple[str, dict[str, Any]]  # (where, a {"StartAt", "States"} object)


def _scopes(definition: dict[str, Any], where: str = "top level") -> Iterator[Scope]:
    """The top-level state machine and every nested one (Parallel branches, Map processors)."""
    yield where, definition
    for name, state in definition.get("States", {}).items():
        for index, branch in enumerate(state.get("Branches", [])):
            yield from _scopes(branch, f"{name}.Branches[{index}]")
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _scopes(state[key], f"{name}.{key}")


def _transitions(state: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if "Next" in state:
        yield "Next", state["Next"]
    if "Default" in state:
        yield "Default", state["Default"]
    for index, choice in enumerate(state.get("Choices", [])):
        if "Next" in choice:
            yield f"Choices[{index}].Next", choice["Next"]
    for index, catcher in enumerate(state.get("Catch", [])):
        yield f"Catch[{index}].Next", catcher.get("Next", "<missing>")


def _keys_anywhere(value: Any, key: str) -> Iterator[Any]:
    if isinstance(value, dict):
        if key in value:
            yield value[key]
        for item in value.values():
            yield from _keys_anywhere(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from _keys_anywhere(item, key)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(params=DEFINITIONS, ids=ASL_IDS)
def asl_path(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture
def asl(asl_path: Path) -> dict[str, Any]:
    return json.loads(asl_path.read_text(encoding="utf-8"))


def test_there_are_state_machine_definitions() -> None:
    assert DEFINITIONS, "no statemachines/*.asl.json"


def test_every_definition_is_used_by_a_state_machine(template) -> None:
    used = {
        (ROOT / r["Properties"]["DefinitionUri"]).resolve()
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::StateMachine" and isinstance(r["Properties"].get("DefinitionUri"), str)
    }
    orphans = [p.name for p in DEFINITIONS if p.resolve() not in used]
    assert not orphans, f"ASL files no state machine in template.yaml uses: {orphans}"


def test_asl_validator_accepts_definition(asl_validator: Path, asl_path: Path, repo_root: Path) -> None:
    result = subprocess.run(
        [str(asl_validator), "--json-path", str(asl_path.relative_to(repo_root))],
        cwd=repo_root, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, f"asl-validator rejects {asl_path.name}:\n{result.stdout}{result.stderr}"


def test_asl_validator_rejects_a_dangling_transition(asl_validator: Path, tmp_path: Path) -> None:
    """Guards the test above: the validator really runs and catches what cfn-lint cannot."""
    broken = tmp_path / "broken.asl.json"
    broken.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}))
    result = subprocess.run(
        [str(asl_validator), "--json-path", str(broken)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0 and "Nowhere" in result.stdout + result.stderr, result.stdout + result.stderr


def test_transitions_name_existing_states(asl: dict[str, Any]) -> None:
    problems = []
    for where, scope in _scopes(asl):
        states = scope.get("States", {})
        if scope.get("StartAt") not in states:
            problems.append(f"{where}: StartAt {scope.get('StartAt')!r} is not a state")
        for name, state in states.items():
            for field, target in _transitions(state):
                if target not in states:
                    problems.append(f"{where}: {name}.{field} -> {target!r} is not a state of this scope")
    assert not problems, "\n".join(problems)


def test_every_state_is_reachable(asl: dict[str, Any]) -> None:
    problems = []
    for where, scope in _scopes(asl):
        states = scope.get("States", {})
        seen: set[str] = set()
        pending = [scope.get("StartAt")]
        while pending:
            name = pending.pop()
            if name in seen or name not in states:
                continue
            seen.add(name)
            pending.extend(target for _, target in _transitions(states[name]))
        if unreachable := sorted(set(states) - seen):
            problems.append(f"{where}: unreachable states {unreachable}")
    assert not problems, "\n".join(problems)


def test_every_task_retries_and_catches(asl: dict[str, Any]) -> None:
    problems = []
    for where, scope in _scopes(asl):
        for name, state in scope.get("States", {}).items():
            if state.get("Type") != "Task":
                continue
            for field in ("Retry", "Catch"):
                if not state.get(field):
                    problems.append(f"{where}: Task {name} has no {field}")
    assert not problems, "\n".join(problems)


def test_definition_uses_jsonpath_not_jsonata(asl: dict[str, Any]) -> None:
    assert not list(_keys_anywhere(asl, "QueryLanguage")), "QueryLanguage is set: write JSONPath"
    jsonata = [s for s in _strings(asl) if s.strip().startswith("{%")]
    assert not jsonata, f"JSONata expressions: {jsonata}"
