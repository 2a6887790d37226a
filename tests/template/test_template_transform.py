"""The SAM transform of template.yaml, run offline, yields the CloudFormation we mean to deploy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
BATCH_FAILURES = "ReportBatchItemFailures"


def _of_type(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template.get("Resources", {}).items() if r.get("Type") == type_name}


def _ref_or_getatt_target(value: Any) -> str | None:
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return target[0] if isinstance(target, list) else str(target).split(".", 1)[0]
    return None


def _definition_text(definition_string: Any) -> str:
    """DefinitionString as SAM emits it: a plain string or `Fn::Join` of literal lines."""
    if isinstance(definition_string, str):
        return definition_string
    separator, parts = definition_string["Fn::Join"]
    assert all(isinstance(p, str) for p in parts), "the inlined definition should hold no intrinsic"
    return separator.join(parts)


def test_every_serverless_function_becomes_one_lambda_function(template, transformed) -> None:
    declared = set(_of_type(template, "AWS::Serverless::Function"))
    assert declared, "template.yaml declares no AWS::Serverless::Function"
    assert set(_of_type(transformed, "AWS::Lambda::Function")) == declared


def test_every_lambda_function_carries_every_shared_layer(template, transformed) -> None:
    layer_versions = _of_type(transformed, "AWS::Lambda::LayerVersion")
    shared = set(_of_type(template, "AWS::Serverless::LayerVersion"))
    assert shared, "template.yaml declares no shared layer"
    problems = []
    for name, function in _of_type(transformed, "AWS::Lambda::Function").items():
        refs = {_ref_or_getatt_target(layer) for layer in function["Properties"].get("Layers", [])}
        for layer in sorted(shared):
            # SAM renames a layer `<LogicalId><content hash>` so that a change publishes a new version.
            if not any(ref in layer_versions and ref.startswith(layer) for ref in refs if ref):
                problems.append(f"{name} lacks layer {layer} (has {sorted(r for r in refs if r)})")
    assert not problems, "\n".join(problems)


def test_api_events_become_a_rest_api_routing_to_their_function(template, transformed) -> None:
    explicit = _of_type(template, "AWS::Serverless::Api")
    rest_apis = _of_type(transformed, "AWS::ApiGateway::RestApi")
    assert rest_apis, "no AWS::ApiGateway::RestApi after the transform"
    assert explicit.keys() <= rest_apis.keys()

    routes: dict[tuple[str, str], str] = {}
    for api in rest_apis.values():
        for path, methods in api["Properties"]["Body"]["paths"].items():
            for method, operation in methods.items():
                uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
                match = re.search(r"\$\{(\w+)\.Arn\}", uri)
                assert match, f"{path} {method}: unexpected integration {uri}"
                routes[(path, method.removeprefix("x-amazon-apigateway-").lower())] = match.group(1)

    expected = {}
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                method = event["Properties"]["Method"].lower()
                expected[(event["Properties"]["Path"], "any-method" if method == "any" else method)] = name
    assert expected, "no function has an Api event"
    assert {route: routes.get(route) for route in expected} == expected


def test_state_machine_substitutions_match_the_definition_placeholders(template, transformed, repo_root) -> None:
    raw_machines = _of_type(template, "AWS::Serverless::StateMachine")
    machines = _of_type(transformed, "AWS::StepFunctions::StateMachine")
    assert raw_machines and set(machines) == set(raw_machines)
    resources = set(transformed["Resources"]) | set(transformed.get("Parameters", {}))
    problems = []
    for name, machine in machines.items():
        props = machine["Properties"]
        substitutions = props.get("DefinitionSubstitutions", {})
        text = _definition_text(props["DefinitionString"])
        placeholders = set(PLACEHOLDER.findall(text))
        if missing := placeholders - substitutions.keys():
            problems.append(f"{name}: placeholders without substitution: {sorted(missing)}")
        if unused := substitutions.keys() - placeholders:
            problems.append(f"{name}: substitutions no placeholder uses: {sorted(unused)}")
        for key, value in substitutions.items():
            target = _ref_or_getatt_target(value)
            if not isinstance(value, str) and target not in resources:
                problems.append(f"{name}: substitution {key} = {value} names no resource or parameter")
        # The deployed definition is the ASL file, untouched.
        source = raw_machines[name]["Properties"].get("DefinitionUri")
        if isinstance(source, str):
            on_disk = json.loads((repo_root / source).read_text(encoding="utf-8"))
            if json.loads(text) != on_disk:
                problems.append(f"{name}: transformed definition differs from {source}")
    assert not problems, "\n".join(problems)


def test_sqs_event_sources_report_batch_item_failures(template, transformed) -> None:
    queues = _of_type(transformed, "AWS::SQS::Queue")
    functions = _of_type(transformed, "AWS::Lambda::Function")
    expected = {
        f"{name}{event_name}"
        for name, function in _of_type(template, "AWS::Serverless::Function").items()
        for event_name, event in function["Properties"].get("Events", {}).items()
        if event["Type"] == "SQS"
    }
    sqs_mappings = {
        name: mapping["Properties"]
        for name, mapping in _of_type(transformed, "AWS::Lambda::EventSourceMapping").items()
        if _ref_or_getatt_target(mapping["Properties"]["EventSourceArn"]) in queues
    }
    assert expected and set(sqs_mappings) == expected
    problems = []
    for name, props in sqs_mappings.items():
        if BATCH_FAILURES not in props.get("FunctionResponseTypes", []):
            problems.append(f"{name}: FunctionResponseTypes lacks {BATCH_FAILURES}")
        queue_name = _ref_or_getatt_target(props["EventSourceArn"])
        queue = queues[queue_name].get("Properties", {})
        if "RedrivePolicy" not in queue:
            problems.append(f"{name}: queue {queue_name} has no dead-letter queue (RedrivePolicy)")
        # Lambda refuses the mapping when the queue hides a message for less time than a run may take.
        timeout = functions[_ref_or_getatt_target(props["FunctionName"])]["Properties"].get("Timeout", 3)
        if queue.get("VisibilityTimeout", 30) < timeout:
            problems.append(f"{name}: {queue_name} VisibilityTimeout < function Timeout {timeout}")
    assert not problems, "\n".join(problems)


def test_transform_keeps_every_plain_cloudformation_resource(template, transformed) -> None:
    plain = {n for n, r in template["Resources"].items() if not r["Type"].startswith("AWS::Serverless::")}
    assert plain <= set(transformed["Resources"])


def test_packaged_paths_exist(template, repo_root: Path) -> None:
    """Every local path SAM would package (code, layer, state machine definition) exists."""
    missing = []
    for name, resource in template["Resources"].items():
        for key in ("CodeUri", "ContentUri", "DefinitionUri"):
            uri = resource.get("Properties", {}).get(key)
            if isinstance(uri, str) and not uri.startswith("s3://") and not (repo_root / uri).exists():
                missing.append(f"{name}.{key}: {uri}")
    assert not missing, "\n".join(missing)
