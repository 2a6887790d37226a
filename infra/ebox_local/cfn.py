"""Reads a SAM/CloudFormation template (short tags included) and resolves its intrinsic functions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_ID = "123456789012"
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that knows CloudFormation's short tags (a subclass: the global loader is untouched)."""


def _tag(name: str) -> Callable[[yaml.Loader, yaml.Node], Any]:
    def construct(loader: yaml.Loader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short, _long in {"Ref": "Ref", "Condition": "Condition", **{
    t: f"Fn::{t}" for t in ("GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or",
                            "FindInMap", "ImportValue", "Base64", "GetAZs", "Cidr")}}.items():
    _TemplateLoader.add_constructor(f"!{_short}", _tag(_long))


def load_template(path: Path) -> dict[str, Any]:
    return dict(yaml.load(path.read_text(), Loader=_TemplateLoader))  # noqa: S506 - SafeLoader subclass


class Resolver:
    """Resolves Ref/GetAtt/Sub/… against parameters and the physical ids of created resources."""

    def __init__(self, template: dict[str, Any], region: str, parameters: dict[str, str] | None = None) -> None:
        self.template = template
        self.region = region
        params = {name: str(spec.get("Default", "")) for name, spec in template.get("Parameters", {}).items()}
        params.update(parameters or {})
        self.refs: dict[str, Any] = {
            **params,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::StackName": "ebox-local",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        self.attributes: dict[tuple[str, str], Any] = {}
        self.conditions = {name: bool(self.resolve(expr))
                           for name, expr in template.get("Conditions", {}).items()}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            handler = _INTRINSICS.get(key)
            if handler is not None:
                return handler(self, arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def ref(self, name: str) -> Any:
        if name not in self.refs:
            raise KeyError(f"!Ref {name}: not created yet or not declared")
        return self.refs[name]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if (logical_id, attribute) not in self.attributes:
            raise KeyError(f"!GetAtt {logical_id}.{attribute}: not created yet or not emulated")
        return self.attributes[(logical_id, attribute)]

    def sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


_INTRINSICS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": lambda r, arg: r.ref(arg),
    "Fn::GetAtt": lambda r, arg: r.get_att(*(arg if isinstance(arg, list) else arg.split(".", 1))),
    "Fn::Sub": lambda r, arg: r.sub(arg),
    "Fn::Join": lambda r, arg: str(arg[0]).join(str(v) for v in r.resolve(arg[1])),
    "Fn::Select": lambda r, arg: r.resolve(arg[1])[int(r.resolve(arg[0]))],
    "Fn::Split": lambda r, arg: str(r.resolve(arg[1])).split(arg[0]),
    "Fn::Equals": lambda r, arg: r.resolve(arg[0]) == r.resolve(arg[1]),
    "Fn::Not": lambda r, arg: not r.resolve(arg[0]),
    "Fn::And": lambda r, arg: all(r.resolve(a) for a in arg),
    "Fn::Or": lambda r, arg: any(r.resolve(a) for a in arg),
    "Fn::If": lambda r, arg: r.resolve(arg[1] if r.conditions[arg[0]] else arg[2]),
    "Condition": lambda r, arg: r.conditions[arg],
}


def substitute_definition(definition: str, substitutions: dict[str, Any]) -> str:
    """`DefinitionSubstitutions` as Step Functions applies them: only `${Name}` with a substitution is
    replaced, so `$$.Task.Token` and JSONPath `$.x` survive (string.Template would mangle them)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(substitutions[name]) if name in substitutions else match.group(0)

    text = _SUB_VARIABLE.sub(replace, definition)
    json.loads(text)  # a broken substitution fails here, loudly, rather than in an execution
    return text
