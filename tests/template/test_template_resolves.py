"""Meta-test: template.yaml and the code agree. Every handler exists, every environment variable the
code reads is declared (and none is declared in vain), every reference names something declared,
and no function directory is left out of the template. Code is parsed with `ast`, never imported."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_lambda_powertools.shared.constants as powertools_constants

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "layers" / "ebox" / "ebox" / "config.py"
ENV_NAME = re.compile(r"^(EBOX|AWS|POWERTOOLS)_[A-Z0-9_]+$")
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}
POWERTOOLS_VARIABLES = {
    value for name, value in vars(powertools_constants).items()
    if name.isupper() and isinstance(value, str) and value.startswith("POWERTOOLS_")
}


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """AWS::Serverless::Function properties with Globals.Function applied (function wins)."""
    defaults = template.get("Globals", {}).get("Function", {})
    return {
        name: {**defaults, **r.get("Properties", {})}
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }


def _top_level_names(module: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _handler_problem(name: str, code_uri: str, handler: str) -> str | None:
    module_path, _, attribute = handler.rpartition(".")
    if not module_path:
        return f"{name}: Handler {handler!r} is not <module>.<callable>"
    base = ROOT / code_uri / Path(*module_path.split("."))
    source = next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)
    if source is None:
        return f"{name}: {base.relative_to(ROOT)}.py does not exist (CodeUri {code_uri}, Handler {handler})"
    module = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    if attribute not in _top_level_names(module):
        return f"{name}: {source.relative_to(ROOT)} defines no top-level {attribute!r}"
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == attribute:
            positional = len(node.args.posonlyargs) + len(node.args.args)
            if positional < 2 and node.args.vararg is None:
                return f"{name}: {source.relative_to(ROOT)}:{node.lineno} {attribute} must take (event, context)"
    return None


def test_every_handler_is_a_top_level_callable_of_an_existing_file(template) -> None:
    functions = _functions(template)
    assert functions
    problems = []
    for name, props in sorted(functions.items()):
        if not str(props.get("Runtime", "")).startswith("python"):
            problems.append(f"{name}: Runtime {props.get('Runtime')!r} is not Python")
            continue
        code_uri, handler = props.get("CodeUri"), props.get("Handler")
        if not isinstance(code_uri, str) or not isinstance(handler, str):
            problems.append(f"{name}: CodeUri and Handler must be literal strings")
            continue
        if problem := _handler_problem(name, code_uri, handler):
            problems.append(problem)
    assert not problems, "\n".join(problems)


def test_every_function_directory_is_declared(template) -> None:
    declared = {
        (ROOT / props["CodeUri"]).resolve()
        for props in _functions(template).values()
        if isinstance(props.get("CodeUri"), str)
    }
    directories = [
        d for d in sorted((ROOT / "functions").iterdir())
        if d.is_dir() and not d.name.startswith((".", "__"))
    ]
    orphans = [str(d.relative_to(ROOT)) for d in directories if d.resolve() not in declared]
    assert not orphans, f"function code with no AWS::Serverless::Function in template.yaml: {orphans}"


# ---------------------------------------------------------------- environment


def _config_variables() -> dict[str, str]:
    """`NAME = "EBOX_..."` constants of config.py: every variable the code reads, by constant name."""
    module = ast.parse(CONFIG.read_text(encoding="utf-8"), filename=str(CONFIG))
    found = {}
    for node in module.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and ENV_NAME.match(node.value.value)
        ):
            found[node.value.value] = node.targets[0].id
    return found


def _template_variables(template: dict[str, Any]) -> dict[str, list[str]]:
    """Variable name -> where template.yaml sets it (Globals or function names)."""
    where: dict[str, list[str]] = {}
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {})
    for variable in globals_env.get("Variables", {}):
        where.setdefault(variable, []).append("Globals")
    for name, r in template["Resources"].items():
        if r["Type"] == "AWS::Serverless::Function":
            for variable in r.get("Properties", {}).get("Environment", {}).get("Variables", {}):
                where.setdefault(variable, []).append(name)
    return where


def test_config_reads_variables_at_all() -> None:
    assert any(v.startswith("EBOX_") for v in _config_variables()), f"no EBOX_* constant found in {CONFIG}"


def test_every_variable_the_code_reads_is_declared_in_the_template(template) -> None:
    # AWS_* are set by Lambda itself (AWS_REGION...) or only locally (AWS_ENDPOINT_URL).
    read = {v: const for v, const in _config_variables().items() if not v.startswith("AWS_")}
    declared = _template_variables(template)
    missing = sorted(f"{v} (config.{read[v]})" for v in read.keys() - declared.keys())
    assert not missing, f"read by the code but set nowhere in template.yaml: {missing}"


def test_every_variable_the_template_declares_is_read(template) -> None:
    read = set(_config_variables())
    problems = []
    for variable, where in sorted(_template_variables(template).items()):
        if variable.startswith("AWS_"):
            problems.append(f"{variable} ({where}): AWS_* are Lambda's (reserved) or local-only")
        elif variable.startswith("POWERTOOLS_"):
            if variable not in POWERTOOLS_VARIABLES:
                problems.append(f"{variable} ({where}): not a variable Powertools reads")
        elif variable not in read:
            problems.append(f"{variable} ({where}): no constant in {CONFIG.relative_to(ROOT)} names it")
    assert not problems, "\n".join(problems)


def _deployed_python_files(template: dict[str, Any]) -> Iterator[Path]:
    """The Python that runs in Lambda: each function's code and each layer's content."""
    for props in _functions(template).values():
        code_uri, handler = props.get("CodeUri"), props.get("Handler", "")
        if not isinstance(code_uri, str):
            continue
        if Path(code_uri) == Path():  # the repo root is the API's code: its handler module only
            yield ROOT / (handler.rpartition(".")[0].replace(".", "/") + ".py")
        else:
            yield from sorted((ROOT / code_uri).rglob("*.py"))
    for r in template["Resources"].values():
        content = r.get("Properties", {}).get("ContentUri")
        if r["Type"] == "AWS::Serverless::LayerVersion" and isinstance(content, str):
            yield from sorted((ROOT / content).rglob("*.py"))


def _environment_reads(source: Path) -> Iterator[str]:
    module = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in {"environ", "environb", "getenv", "getenvb"}
        ):
            yield f"{source.relative_to(ROOT)}:{node.lineno} os.{node.attr}"
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            for alias in node.names:
                if alias.name in {"environ", "environb", "getenv", "getenvb"}:
                    yield f"{source.relative_to(ROOT)}:{node.lineno} from os import {alias.name}"


def test_deployed_code_reads_the_environment_only_through_config(template) -> None:
    """The two tests above trust config.py to list every variable; this keeps that true."""
    reads = [
        read
        for source in dict.fromkeys(_deployed_python_files(template))
        if source.resolve() != CONFIG.resolve() and "__pycache__" not in source.parts
        for read in _environment_reads(source)
    ]
    assert not reads, "environment read outside config.py:\n" + "\n".join(reads)


# ---------------------------------------------------------------- references


def _references(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(kind, name, where) for every Ref, GetAtt, ${X} in Sub, DependsOn and Condition use."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            yield "Ref", arg, path
            return
        if key == "Fn::GetAtt":
            target = arg[0] if isinstance(arg, list) else str(arg).split(".", 1)[0]
            yield "GetAtt", target, path
            return
        if key == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            for variable in SUB_VARIABLE.findall(text):
                name = variable.strip()
                if not name.startswith("!") and name not in local:
                    yield "Sub", name if name.startswith("AWS::") else name.split(".", 1)[0], path
            yield from _references(local, f"{path}.Fn::Sub")
            return
        if key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
            yield "Condition", arg[0], path
            yield from _references(arg[1:], f"{path}.Fn::If")
            return
    for key, item in value.items():
        if key == "Condition" and isinstance(item, str):
            yield "Condition", item, f"{path}.Condition"
        elif key == "DependsOn":
            for target in [item] if isinstance(item, str) else item:
                yield "DependsOn", target, f"{path}.DependsOn"
        else:
            yield from _references(item, f"{path}.{key}")


def _unresolved(document: dict[str, Any], also_resources: frozenset[str] = frozenset()) -> list[str]:
    resources = set(document.get("Resources", {})) | also_resources
    parameters = set(document.get("Parameters", {}))
    conditions = set(document.get("Conditions", {}))
    valid = {
        "Ref": resources | parameters | PSEUDO_PARAMETERS,
        "Sub": resources | parameters | PSEUDO_PARAMETERS,
        "GetAtt": resources,
        "DependsOn": resources,
        "Condition": conditions,
    }
    problems = []
    for section in ("Conditions", "Resources", "Outputs"):
        for kind, name, where in _references(document.get(section, {}), section):
            if name not in valid[kind]:
                problems.append(f"{where}: {kind} {name!r} is not declared")
    return problems


def test_every_reference_in_the_template_resolves(template, transformed) -> None:
    # Names SAM generates (ServerlessRestApi, <Function>Role...) are declared by the transform.
    problems = _unresolved(template, also_resources=frozenset(transformed["Resources"]))
    assert not problems, "\n".join(problems)


def test_every_reference_in_the_transformed_template_resolves(transformed) -> None:
    problems = _unresolved(transformed)
    assert not problems, "\n".join(problems)
