"""The API cannot write the sender registry (decision 0015): its role writes the registry table only under
the keys of what administrators and the public change (e-Boxes, people, providers, callbacks, sender
requests), never a sender organisation, application, message type or OAuth client (its secret's hash);
those are written by SenderRegistryFunction, which the API may only invoke. Read from the transformed
template, i.e. the policies CloudFormation would create."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from tests.template.test_template_least_privilege import _as_list, _statements, _targets

WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
          "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete", "dynamodb:*", "*")
SENDER_REGISTRY_KEYS = ("ORG#0406798006", "CLIENT#sender-0406798006-1a2b3c4d", "MSGTYPE#namur-tax-notice",
                        "IDP_CLIENT#namur-portal")


def _role_statements(transformed: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = transformed["Resources"][role]["Properties"].get("Policies", [])
    return [s for p in policies for s in _statements(p["PolicyDocument"]) if s["Effect"] == "Allow"]


def _registry_writes(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements
            if any(a in WRITES for a in _as_list(s["Action"])) and "RegistryTable" in set(_targets(s["Resource"]))]


def test_the_api_role_writes_no_sender_organisation_application_message_type_nor_client(transformed):
    writes = _registry_writes(_role_statements(transformed, "ApiFunctionRole"))
    assert writes, "the API writes e-Box settings to the registry table: the statement is expected"
    for statement in writes:
        patterns = statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
        assert patterns, f"an unconditioned registry write: {statement}"
        reached = [k for k in SENDER_REGISTRY_KEYS if any(fnmatchcase(k, p) for p in _as_list(patterns))]
        assert reached == [], f"the API's role may write {reached}"


def test_only_the_sender_registry_function_writes_them_and_the_api_may_only_invoke_it(transformed):
    resources = transformed["Resources"]
    unconditioned = {name for name, r in resources.items() if r["Type"] == "AWS::IAM::Role"
                     and any("Condition" not in s for s in _registry_writes(_role_statements(transformed, name)))}
    assert "SenderRegistryFunctionRole" in unconditioned and "ApiFunctionRole" not in unconditioned
    invoke = [s for s in _role_statements(transformed, "ApiFunctionRole") if "lambda:InvokeFunction" in
              _as_list(s["Action"])]
    assert [set(_targets(s["Resource"])) for s in invoke] == [{"SenderRegistryFunction"}]
