"""Least privilege, on the transformed template: no policy statement allows every action of a service
(`*`, `svc:*`) or every resource (`*`) unless an exemption below says why, no resource policy opens to
every principal, the workflow role may invoke exactly the functions it calls, and each function has a
role of its own, with no managed policy, that reaches only resources the template declares: its own
log group, the queues of its own SQS events, and named tables, buckets, keys, bus and state machine.

AWS managed policies that SAM attaches (to the state machines' roles) are checked through a snapshot of
their documents (from docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html): a managed
policy missing from the snapshot fails the test until someone reviews it and adds it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

ALLOW = "Allow"
ACCOUNT_ROOT = re.compile(r"arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:root")
LOGS_WRITE = frozenset({"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"})
XRAY_WRITE = frozenset({
    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
    "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries",
})
SQS_POLL = frozenset({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"})

MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "AWSXrayWriteOnlyAccess": [
        {"Effect": ALLOW, "Action": sorted(XRAY_WRITE), "Resource": ["*"]},
    ],
}


@dataclass(frozen=True)
class Exemption:
    source: str  # a managed policy name, or the CloudFormation type holding a resource policy
    actions: frozenset[str]
    reason: str
    principal_account_root: bool = False  # only for statements granted to this account's root


EXEMPTIONS = (
    Exemption(
        "AWSXrayWriteOnlyAccess", XRAY_WRITE,
        "Required by AWS: these X-Ray actions support no resource-level permission, so Resource must be "
        "'*'. SAM attaches the policy for `Tracing: Active` (functions) and `Tracing.Enabled` (workflow).",
    ),
    Exemption(
        "inline", XRAY_WRITE,
        "The same X-Ray actions in each function's own role (`Tracing: Active`): they support no "
        "resource-level permission.",
    ),
    Exemption(
        "AWS::KMS::Key", frozenset({"kms:*"}),
        "The default key policy: in a key policy Resource '*' means this key, and kms:* for the account "
        "root delegates the key's use to IAM policies (as scoped above); without it the key is unmanageable.",
        principal_account_root=True,
    ),
)


@dataclass(frozen=True)
class Granted:
    where: str
    source: str
    statement: dict[str, Any]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(document: Any) -> list[dict[str, Any]]:
    return _as_list(document.get("Statement", [])) if isinstance(document, dict) else []


def _managed_policy_name(arn: Any) -> str | None:
    text = arn if isinstance(arn, str) else (arn.get("Fn::Sub") if isinstance(arn, dict) else None)
    if not isinstance(text, str) or ":iam::aws:policy/" not in text:
        return None
    return text.split(":iam::aws:policy/", 1)[1]


def _granted(transformed: dict[str, Any]) -> Iterator[Granted]:
    for name, resource in transformed["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                for statement in _statements(policy.get("PolicyDocument")):
                    yield Granted(f"{name}/{policy.get('PolicyName')}", "inline", statement)
            for arn in props.get("ManagedPolicyArns", []):
                policy_name = _managed_policy_name(arn)
                for statement in MANAGED_POLICIES.get(policy_name or "", [{"Unreviewed": arn}]):
                    yield Granted(f"{name}/{policy_name or arn}", policy_name or "?", statement)
            for statement in _statements(props.get("AssumeRolePolicyDocument")):
                yield Granted(f"{name}/AssumeRolePolicyDocument", "trust", statement)
        for key in ("PolicyDocument", "KeyPolicy"):
            for statement in _statements(props.get(key)):
                yield Granted(f"{name}/{key}", kind, statement)


def _is_wildcard_action(action: Any) -> bool:
    return isinstance(action, str) and (action == "*" or action.endswith(":*"))


def _is_public(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and any("*" in _as_list(v) for v in principal.values())


def _is_account_root(principal: Any) -> bool:
    aws = principal.get("AWS") if isinstance(principal, dict) else None
    text = aws.get("Fn::Sub") if isinstance(aws, dict) else aws
    return isinstance(text, str) and ACCOUNT_ROOT.fullmatch(text) is not None


def _exempted(granted: Granted) -> Exemption | None:
    actions = set(_as_list(granted.statement.get("Action", [])))
    for exemption in EXEMPTIONS:
        if granted.source != exemption.source or not actions <= exemption.actions:
            continue
        if exemption.principal_account_root and not _is_account_root(granted.statement.get("Principal")):
            continue
        return exemption
    return None


def _finding(granted: Granted) -> str | None:
    statement = granted.statement
    if "Unreviewed" in statement:
        return f"{granted.where}: managed policy {statement['Unreviewed']} is not in MANAGED_POLICIES (review it)"
    if statement.get("Effect") != ALLOW:
        return None
    if _is_public(statement.get("Principal")):
        return f"{granted.where}: allows every principal ('*')"
    if "NotAction" in statement or "NotResource" in statement:
        return f"{granted.where}: NotAction/NotResource in an Allow grants almost everything"
    actions = _as_list(statement.get("Action", []))
    wide_actions = [a for a in actions if _is_wildcard_action(a)]
    wide_resource = "*" in _as_list(statement.get("Resource", []))
    if not (wide_actions or wide_resource) or _exempted(granted):
        return None
    what = [f"actions {wide_actions}"] if wide_actions else []
    what += ["Resource '*'"] if wide_resource else []
    return f"{granted.where}: {' and '.join(what)} for {sorted(map(str, actions))} with no exemption"


def test_no_statement_grants_every_action_or_resource_without_a_reason(transformed) -> None:
    granted = list(_granted(transformed))
    assert any(g.source == "inline" for g in granted), "no IAM role policy found: did the transform run?"
    findings = [f for g in granted if (f := _finding(g))]
    assert not findings, "\n".join(findings)


def test_every_exemption_is_still_needed(transformed) -> None:
    """An exemption nothing uses any more is dead weight that could hide a future wildcard."""
    used = {e for g in _granted(transformed) if (e := _exempted(g))}
    unused = [e.source for e in EXEMPTIONS if e not in used]
    assert not unused, f"exemptions no statement needs (remove them): {unused}"


def _targets(value: Any) -> Iterator[str]:
    """Logical ids named by Ref / GetAtt anywhere in value."""
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            yield value["Ref"]
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            yield target[0] if isinstance(target, list) else str(target).split(".", 1)[0]
        for item in value.values():
            yield from _targets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _targets(item)


def test_workflow_roles_invoke_exactly_the_functions_their_definition_calls(transformed) -> None:
    resources = transformed["Resources"]
    functions = {n for n, r in resources.items() if r["Type"] == "AWS::Lambda::Function"}
    problems = []
    for name, machine in resources.items():
        if machine["Type"] != "AWS::StepFunctions::StateMachine":
            continue
        props = machine["Properties"]
        called = set(_targets(props.get("DefinitionSubstitutions", {}))) & functions
        role = next(_targets(props["RoleArn"]))
        invokable = {
            target
            for policy in resources[role]["Properties"].get("Policies", [])
            for statement in _statements(policy["PolicyDocument"])
            if "lambda:InvokeFunction" in _as_list(statement.get("Action", []))
            for target in _targets(statement.get("Resource"))
        }
        if called - invokable:
            problems.append(f"{name}: role {role} may not invoke {sorted(called - invokable)}")
        if invokable - called:
            problems.append(f"{name}: role {role} may invoke unused {sorted(invokable - called)}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- each function, its own resources

OWN_LOGS = frozenset({"logs:CreateLogStream", "logs:PutLogEvents"})
SQS_POLLING = SQS_POLL | {"sqs:ChangeMessageVisibility"}


def _functions(transformed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: r["Properties"] for n, r in transformed["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}


def _named(resource: Any) -> set[str]:
    """Logical ids a Resource names (Ref, GetAtt, or ${Id} / ${Id.Arn} inside a Sub)."""
    found = set(_targets(resource))
    for item in _as_list(resource):
        text = item.get("Fn::Sub") if isinstance(item, dict) else None
        if isinstance(text, str):
            found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^}]+)\}", text) if not m.startswith("AWS::")}
    return found


def _role_of(props: dict[str, Any]) -> str:
    return next(_targets(props["Role"]))


def _queues_of(transformed: dict[str, Any], function: str) -> set[str]:
    """The queues whose event source mappings feed ``function``."""
    return {
        target
        for r in transformed["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping" and function in _targets(r["Properties"]["FunctionName"])
        for target in _targets(r["Properties"]["EventSourceArn"])
    }


def test_each_function_has_a_role_of_its_own_without_managed_policies(transformed) -> None:
    resources = transformed["Resources"]
    problems, owners = [], {}
    for name, props in _functions(transformed).items():
        role = _role_of(props)
        owners.setdefault(role, []).append(name)
        role_props = resources[role]["Properties"]
        if role_props.get("ManagedPolicyArns"):
            problems.append(f"{name}: role {role} has managed policies {role_props['ManagedPolicyArns']} (SAM adds "
                            "them to the roles it generates: give the function `Role:` with its own role instead)")
        principals = [s.get("Principal") for s in _statements(role_props["AssumeRolePolicyDocument"])]
        if principals != [{"Service": "lambda.amazonaws.com"}]:
            problems.append(f"{name}: role {role} is assumable by {principals}, not Lambda alone")
    problems += [f"role {role} is shared by {names}" for role, names in owners.items() if len(names) > 1]
    assert not problems, "\n".join(problems)


def test_each_function_reaches_only_its_own_log_group_and_queues_and_named_resources(transformed) -> None:
    resources = transformed["Resources"]
    declared_data = {n for n, r in resources.items() if r["Type"].split("::")[1] in
                     ("DynamoDB", "S3", "KMS", "Events", "StepFunctions", "SQS", "Lambda")}
    problems = []
    for name, props in _functions(transformed).items():
        role = _role_of(props)
        log_group = f"/aws/lambda/{props['FunctionName']['Fn::Sub']}" if "FunctionName" in props else None
        queues = _queues_of(transformed, name)
        for policy in resources[role]["Properties"].get("Policies", []):
            for statement in _statements(policy["PolicyDocument"]):
                actions = set(_as_list(statement["Action"]))
                named = _named(statement["Resource"])
                where = f"{name} ({role}) {sorted(actions)}"
                if actions <= XRAY_WRITE:
                    continue  # exempted above: no resource-level permission exists
                if actions & (LOGS_WRITE | {"logs:*"}):
                    groups = [resources[n]["Properties"]["LogGroupName"].get("Fn::Sub") for n in named
                              if resources.get(n, {}).get("Type") == "AWS::Logs::LogGroup"]
                    if actions - OWN_LOGS or groups != [log_group]:
                        problems.append(f"{where}: logs only for its own log group {log_group}, not {groups}")
                elif actions & SQS_POLLING:
                    if named != queues or actions - SQS_POLLING:
                        problems.append(f"{where}: polls {sorted(named)}, its SQS events feed it {sorted(queues)}")
                elif ses := [a for a in actions if a.startswith("ses:")]:
                    text = str(statement["Resource"])
                    if ses != ["ses:SendRawEmail"] or ":identity/${MailFrom}" not in text:
                        problems.append(f"{where}: SES only to send as the MailFrom identity, not {text}")
                elif [a for a in actions if a.startswith("apigateway:")]:
                    # API keys (no resource of the template: made at run time) and a usage plan it declares;
                    # who may do it: tests/template/test_template_usage_plans.py.
                    text = str(statement["Resource"])
                    plans = {n for n in named if resources.get(n, {}).get("Type") == "AWS::ApiGateway::UsagePlan"}
                    if not (text.endswith("::/apikeys'}") or (plans and named == plans)):
                        problems.append(f"{where}: API Gateway only on /apikeys or a declared usage plan, not {text}")
                elif not named or not named <= declared_data:
                    problems.append(f"{where}: on {statement['Resource']}, not resources the template declares")
    assert not problems, "\n".join(problems)


def test_the_proof_notices_a_function_reaching_another_functions_log_group(transformed) -> None:
    """Guards the test above: a role that may write to a neighbour's logs is reported."""
    import copy

    altered = copy.deepcopy(transformed)
    functions = sorted(_functions(altered))
    role = _role_of(altered["Resources"][functions[0]]["Properties"])
    statement = altered["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    statement["Resource"] = {"Fn::GetAtt": [f"{functions[1]}LogGroup", "Arn"]}
    try:
        test_each_function_reaches_only_its_own_log_group_and_queues_and_named_resources(altered)
    except AssertionError as error:
        assert f"{functions[0]} ({role})" in str(error)
    else:
        raise AssertionError("a function writing to another function's log group went unnoticed")
