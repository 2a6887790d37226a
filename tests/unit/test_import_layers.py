"""Imports go one way (docs/decisions/0001-composition-root-and-layers.md): routes and handlers → use
cases (ebox.pipeline) → domain; adapters implement the domain's ports and only the composition root
(ebox.wiring) builds them. This walks every import of the shared layer (nested ones too) with `ast`; the
CLI's and the local stack's packages are walked for cycles too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "ebox" / "ebox"
PACKAGES = {"ebox": PACKAGE, "ebox_cli": ROOT / "cli" / "ebox_cli", "ebox_local": ROOT / "infra" / "ebox_local"}
AWS_AND_WEB = ("boto3", "botocore", "pynamodb", "chalice")
# layer -> what it may never import (module-name prefixes)
FORBIDDEN = {
    "ebox.domain": (*AWS_AND_WEB, "ebox.adapters", "ebox.api", "ebox.pipeline", "ebox.wiring", "ebox.config"),
    "ebox.pipeline": (*AWS_AND_WEB, "ebox.adapters", "ebox.api", "ebox.wiring"),
    "ebox.api": ("boto3", "botocore", "pynamodb", "ebox.adapters"),
    "ebox.adapters": ("ebox.api", "ebox.pipeline", "ebox.wiring"),
}


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The modules ``path`` imports: ``from a.b import c`` names ``a.b.c`` when that is a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found


def _graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = {_module_name(path, package): path for path in package.rglob("*.py")}
    return {name: _imports(path, set(files)) for name, path in files.items()}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_walk_sees_the_package():
    graph = _graph()
    assert "ebox.wiring" in graph and "ebox.domain.ports" in graph
    assert "ebox.domain.errors" in graph["ebox.domain.publication"]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_what_stands_above_it_or_an_aws_library(layer):
    wrong = sorted(
        f"{module} imports {imported}"
        for module, imports in _graph().items() if _within(module, layer)
        for imported in imports for prefix in FORBIDDEN[layer] if _within(imported, prefix)
    )
    assert wrong == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycle(package):
    whole = _graph(PACKAGES[package])
    assert len(whole) > 10, f"the walk found no modules in {PACKAGES[package]}"
    graph = {module: imports & set(whole) for module, imports in whole.items()}  # the package's own modules
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported):], imported])
            elif imported not in state:
                visit(imported)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert [" -> ".join(cycle) for cycle in cycles] == []

