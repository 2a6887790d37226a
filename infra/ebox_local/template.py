"""Reads a SAM/CloudFormation template (short tags included) and resolves its intrinsic functions
with the local naming scheme: parameters take their Default unless overridden, account 123456789012,
partition `aws`, `!Ref`/`!GetAtt` of a resource give what the provisioner recorded when it created it."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from ebox_local.errors import TemplateError, UnresolvedReference, UnsupportedIntrinsic

ACCOUNT_ID = "123456789012"
NO_VALUE: Any = type("NoValue", (), {"__repr__": lambda self: "AWS::NoValue"})()
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
_SHORT_TAGS = {"Ref": "Ref", "Condition": "Condition", **{
    name: f"Fn::{name}" for name in ("GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not", "And",
                                     "Or", "FindInMap", "ImportValue", "Base64", "GetAZs", "Cidr", "Transform")}}


try:  # libyaml's parser where PyYAML has it (its wheels do): the same data, read ~5x faster
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _TemplateLoader(_SafeLoader):
    """A SafeLoader that knows CloudFormation's short tags (a subclass: the global loader is untouched)."""


def _construct(long_name: str) -> Callable[[yaml.SafeLoader, yaml.Node], Any]:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if long_name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {long_name: value}

    return construct


for _short, _long in _SHORT_TAGS.items():
    _TemplateLoader.add_constructor(f"!{_short}", _construct(_long))


def load_template(path: Path) -> dict[str, Any]:
    """The template as plain data; short tags become their `Fn::` long form."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TemplateLoader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise TemplateError(f"{path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources)")
    return data


def parameter_values(template: Mapping[str, Any], overrides: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Each parameter's Default, or its override, checked against AllowedValues/AllowedPattern."""
    declared: dict[str, Any] = template.get("Parameters") or {}
    unknown = set(overrides or {}) - set(declared)
    if unknown:
        raise TemplateError(f"unknown template parameter(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if overrides and name in overrides:
            value = str(overrides[name])
        elif "Default" in spec:
            value = str(spec["Default"])
        else:
            raise TemplateError(f"parameter {name} has no Default: pass a value for it")
        allowed = spec.get("AllowedValues")
        if allowed is not None and value not in [str(a) for a in allowed]:
            raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern and not re.fullmatch(pattern, value):
            raise TemplateError(f"parameter {name}={value!r} does not match {pattern}")
        kind = str(spec.get("Type", "String"))
        values[name] = [v.strip() for v in value.split(",")] if kind.startswith(("List<", "CommaDelimited")) else value
    return values


def references(value: Any) -> set[str]:
    """The names a fragment refers to through Ref, GetAtt and ${...} (parameters and pseudo parameters too)."""
    return set(_references(value))


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, dict):
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" and isinstance(arg, str):
                yield arg
                return
            if key == "Fn::GetAtt":
                yield (arg[0] if isinstance(arg, list) else str(arg).split(".", 1)[0])
                return
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                yield from (n.split(".", 1)[0] for n in _SUB_VARIABLE.findall(text) if n not in variables)
                yield from _references(variables)
                return
        for item in value.values():
            yield from _references(item)


class Resolver:
    """Resolves intrinsics against parameters, pseudo parameters and the resources created so far."""

    def __init__(self, template: Mapping[str, Any], region: str, parameters: Mapping[str, str] | None = None) -> None:
        self.template = template
        self.region = region
        self.refs: dict[str, Any] = {
            **parameter_values(template, parameters),
            "AWS::AccountId": ACCOUNT_ID, "AWS::Region": region, "AWS::Partition": "aws",
            "AWS::StackName": "ebox-local", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": NO_VALUE,
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/ebox-local/local",
            "AWS::NotificationARNs": [],
        }
        self.attributes: dict[tuple[str, str], Any] = {}
        self.placeholders: set[str] = set()  # resources not emulated: any attribute is a stand-in
        self._conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            declared = self.template.get("Conditions") or {}
            if name not in declared:
                raise UnresolvedReference(f"Condition {name}", "not declared in Conditions")
            self._conditions[name] = bool(self.resolve(declared[name]))
        return self._conditions[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            intrinsic = _INTRINSICS.get(key)
            if intrinsic is not None:
                return intrinsic(self, arg)
            if key.startswith("Fn::"):
                raise UnsupportedIntrinsic(f"{key} is not supported by the local stack")
        return {k: r for k, r in ((k, self.resolve(v)) for k, v in value.items()) if r is not NO_VALUE}

    def ref(self, name: str) -> Any:
        if name not in self.refs:
            raise UnresolvedReference(f"!Ref {name}", "not declared, or not created yet")
        return self.refs[name]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if (logical_id, attribute) in self.attributes:
            return self.attributes[(logical_id, attribute)]
        if logical_id in self.placeholders:
            return f"arn:aws:local:{self.region}:{ACCOUNT_ID}:{logical_id}/{attribute}"
        raise UnresolvedReference(f"!GetAtt {logical_id}.{attribute}", "not created yet, or attribute not emulated")

    def sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return _text(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return _text(self.get_att(*name.split(".", 1)))
            return _text(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def find_in_map(self, arg: list[Any]) -> Any:
        name, top, second = (self.resolve(a) for a in arg)
        try:
            return self.template["Mappings"][name][top][second]
        except (KeyError, TypeError) as error:
            raise UnresolvedReference(f"!FindInMap [{name}, {top}, {second}]", "not in Mappings") from error


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


_INTRINSICS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": lambda r, arg: r.ref(arg),
    "Fn::GetAtt": lambda r, arg: r.get_att(*(arg if isinstance(arg, list) else str(arg).split(".", 1))),
    "Fn::Sub": lambda r, arg: r.sub(arg),
    "Fn::Join": lambda r, arg: str(arg[0]).join(_text(v) for v in r.resolve(arg[1])),
    "Fn::Select": lambda r, arg: r.resolve(arg[1])[int(r.resolve(arg[0]))],
    "Fn::Split": lambda r, arg: str(r.resolve(arg[1])).split(arg[0]),
    "Fn::Equals": lambda r, arg: _text(r.resolve(arg[0])) == _text(r.resolve(arg[1])),
    "Fn::Not": lambda r, arg: not r.resolve(arg[0]),
    "Fn::And": lambda r, arg: all(r.resolve(a) for a in arg),
    "Fn::Or": lambda r, arg: any(r.resolve(a) for a in arg),
    "Fn::If": lambda r, arg: r.resolve(arg[1] if r.condition(arg[0]) else arg[2]),
    # `Condition: Name` inside And/Or/Not; a policy statement's `Condition: {...}` is data, not an intrinsic.
    "Condition": lambda r, arg: r.condition(arg) if isinstance(arg, str) else {"Condition": r.resolve(arg)},
    "Fn::FindInMap": lambda r, arg: r.find_in_map(arg),
    "Fn::Base64": lambda r, arg: base64.b64encode(_text(r.resolve(arg)).encode()).decode(),
    "Fn::GetAZs": lambda r, arg: [f"{r.region}{zone}" for zone in "abc"],
}


def substitute_definition(definition: str, substitutions: Mapping[str, Any]) -> str:
    """`DefinitionSubstitutions` as Step Functions applies them: only `${Name}` with a substitution is
    replaced, so `$$.Task.Token` and JSONPath `$.x` survive (string.Template would mangle them)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return _text(substitutions[name]) if name in substitutions else match.group(0)

    text = _SUB_VARIABLE.sub(replace, definition)
    try:
        json.loads(text)
    except json.JSONDecodeError as error:  # a broken substitution fails here, loudly, not in an execution
        raise TemplateError(f"state machine definition is not JSON after substitution: {error}") from error
    return text


_INTRINSIC_KEYS = ("Ref", "Condition")


def with_globals(globals_: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """SAM's Globals merge: maps merge key by key, lists are Globals' items then the resource's, and
    any other value (or an intrinsic) of the resource replaces the global one."""
    merged = dict(globals_)
    for key, value in props.items():
        known = merged.get(key)
        if isinstance(known, dict) and isinstance(value, dict) and not (_intrinsic(known) or _intrinsic(value)):
            merged[key] = with_globals(known, value)
        elif isinstance(known, list) and isinstance(value, list):
            merged[key] = known + value
        else:
            merged[key] = value
    return merged


def _intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Fn::", *_INTRINSIC_KEYS))
