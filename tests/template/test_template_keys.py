"""Each KMS key is usable only by the functions that need it, for what they need it for (issue 13, "keys are
usable only by the functions that need each"). The table below is the whole list: a role that reaches a key,
or an action on it, that the table does not name fails here, so granting one is a decision written down.
Read from the SAM transform's output, i.e. what CloudFormation would create."""

from __future__ import annotations

import json
from typing import Any

SIGN = frozenset({"kms:Sign", "kms:GetPublicKey"})
ENVELOPE = frozenset({"kms:GenerateDataKey", "kms:Decrypt"})
KEY_USERS: dict[str, dict[str, frozenset[str]]] = {
    # access tokens of the built-in issuer: the API signs them; the authorizer only checks them
    "TokenSigningKey": {"ApiFunctionRole": SIGN, "AuthorizeFunctionRole": frozenset({"kms:GetPublicKey"})},
    # evidence records: whoever records an event of a message (publication, bulk lines, qualified outcomes)
    "EvidenceSigningKey": {"ApiFunctionRole": SIGN, "BulkPublishFunctionRole": SIGN,
                           "AwaitAcceptanceFunctionRole": SIGN, "ConcludeDeliveryFunctionRole": SIGN},
    # callbacks: the API signs an endpoint's challenge, the sender function each callback
    "CallbackSigningKey": {"ApiFunctionRole": SIGN, "SendCallbacksFunctionRole": SIGN},
    # rotated callback keys: the API wraps them (rotation), the sender function unwraps them to sign
    "CallbackKeyWrappingKey": {"ApiFunctionRole": frozenset({"kms:Encrypt", "kms:Decrypt"}),
                               "SendCallbacksFunctionRole": frozenset({"kms:Decrypt"})},
    # SSE-KMS of documents, archives, packages and evidence: who reads or writes those objects
    "ContentKey": {"ApiFunctionRole": ENVELOPE, "BulkPrepareFunctionRole": ENVELOPE,
                   "BulkReleaseFunctionRole": ENVELOPE, "BulkPublishFunctionRole": ENVELOPE,
                   "BuildDownloadFunctionRole": ENVELOPE,
                   # the evidence archive writes a batch's object, and reads it back on a retried batch
                   "ArchiveEvidenceFunctionRole": ENVELOPE},
}


def _key_users(transformed: dict[str, Any]) -> dict[str, dict[str, set[str]]]:
    resources = transformed["Resources"]
    keys = {name for name, r in resources.items() if r["Type"] == "AWS::KMS::Key"}
    found: dict[str, dict[str, set[str]]] = {}
    for role, resource in resources.items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                kms = {a for a in actions if a.startswith("kms:") or a == "*"}
                if not kms:
                    continue
                text = json.dumps(statement["Resource"])
                named = {k for k in keys if f'"{k}"' in text or "${" + k in text}
                assert named or statement["Resource"] != "*", f"{role} uses every key: {sorted(kms)}"
                for key in named:
                    found.setdefault(key, {}).setdefault(role, set()).update(kms)
    return found


def test_each_key_is_used_by_the_roles_that_need_it_for_what_they_need(transformed):
    found = _key_users(transformed)
    assert set(found) == set(KEY_USERS), "every key of the template is in the table, and only those"
    for key, users in KEY_USERS.items():
        assert {role: frozenset(actions) for role, actions in found[key].items()} == users, key


def test_key_policies_trust_the_account_s_iam_and_nobody_else(template):
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::KMS::Key":
            continue
        statements = resource["Properties"]["KeyPolicy"]["Statement"]
        assert [s["Sid"] for s in statements] == ["AccountAdministers"], name
        assert statements[0]["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
