"""The template loader and the intrinsic resolver, without any emulator."""

from __future__ import annotations

import json

import pytest
from ebox_local.errors import TemplateError, UnresolvedReference, UnsupportedIntrinsic
from ebox_local.provisioning import creation_order
from ebox_local.sam_resources import with_globals
from ebox_local.template import Resolver, load_template, references, substitute_definition

from tests.local.conftest import ROOT_TEMPLATE, TEMPLATE


def _resolver(tmp_path, text: str, **parameters: str) -> Resolver:
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return Resolver(load_template(path), "eu-west-1", parameters)


def test_short_tags_become_long_form():
    template = load_template(ROOT_TEMPLATE)
    assert template["Conditions"]["UseBuiltInIssuer"] == {"Fn::Equals": [{"Ref": "JwksUrl"}, ""]}
    subs = template["Resources"]["BulkImportStateMachine"]["Properties"]["DefinitionSubstitutions"]
    assert subs["BulkPrepareFunctionArn"] == {"Fn::GetAtt": ["BulkPrepareFunction", "Arn"]}


def test_ref_getatt_and_sub_with_pseudo_parameters(tmp_path):
    resolver = _resolver(tmp_path, """
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Q: {Type: AWS::SQS::Queue}
""")
    resolver.refs["Q"] = "https://queue/q"
    resolver.attributes[("Q", "Arn")] = "arn:aws:sqs:eu-west-1:123456789012:q"
    assert resolver.resolve({"Ref": "Stage"}) == "dev"
    assert resolver.resolve({"Ref": "Q"}) == "https://queue/q"
    assert resolver.resolve({"Fn::GetAtt": ["Q", "Arn"]}).endswith(":q")
    assert resolver.resolve({"Fn::GetAtt": "Q.Arn"}).endswith(":q")
    assert resolver.resolve({"Fn::Sub": "ebox-${Stage}-${AWS::AccountId}-${AWS::Region}-${AWS::Partition}"}) == \
        "ebox-dev-123456789012-eu-west-1-aws"
    assert resolver.resolve({"Fn::Sub": "${Q.Arn}|${!Literal}|$.x|$$.Task.Token"}) == \
        "arn:aws:sqs:eu-west-1:123456789012:q|${Literal}|$.x|$$.Task.Token"
    assert resolver.resolve({"Fn::Sub": ["${A}-${Stage}", {"A": {"Ref": "AWS::AccountId"}}]}) == "123456789012-dev"


def test_conditions_if_novalue_and_collections(tmp_path):
    resolver = _resolver(tmp_path, """
Parameters:
  Jwks: {Type: String, Default: ""}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
Conditions:
  NoJwks: !Equals [!Ref Jwks, ""]
  Both: !And [!Condition NoJwks, !Not [!Equals [!Ref Jwks, x]]]
Mappings:
  M: {dev: {Size: 3}}
Resources: {}
""")
    value = resolver.resolve({
        "A": {"Fn::If": ["NoJwks", "builtin", "external"]},
        "B": {"Fn::If": ["NoJwks", {"Ref": "AWS::NoValue"}, "x"]},
        "C": {"Fn::Join": ["/", {"Ref": "Names"}]},
        "D": {"Fn::Select": ["1", {"Fn::Split": [",", "x,y,z"]}]},
        "E": {"Fn::FindInMap": ["M", "dev", "Size"]},
        "F": [1, {"Ref": "AWS::NoValue"}, 2],
        "G": {"Fn::If": ["Both", True, False]},
        "Policy": {"Condition": {"ArnEquals": {"aws:SourceArn": "x"}}},
    })
    assert value == {"A": "builtin", "C": "a/b/c", "D": "y", "E": 3, "F": [1, 2], "G": True,
                     "Policy": {"Condition": {"ArnEquals": {"aws:SourceArn": "x"}}}}


def test_parameters_are_overridable_and_checked(tmp_path):
    text = """
Parameters:
  Env: {Type: String, Default: development, AllowedValues: [development, production]}
  Stage: {Type: String, Default: dev, AllowedPattern: "[a-z]+"}
Resources: {}
"""
    assert _resolver(tmp_path, text, Env="production").resolve({"Ref": "Env"}) == "production"
    with pytest.raises(TemplateError, match="not one of"):
        _resolver(tmp_path, text, Env="staging")
    with pytest.raises(TemplateError, match="does not match"):
        _resolver(tmp_path, text, Stage="Dev_1")
    with pytest.raises(TemplateError, match="unknown template parameter"):
        _resolver(tmp_path, text, Nope="x")


def test_unresolvable_references_are_typed_errors(tmp_path):
    resolver = _resolver(tmp_path, "Resources: {}")
    with pytest.raises(UnresolvedReference, match="Missing"):
        resolver.resolve({"Ref": "Missing"})
    with pytest.raises(UnresolvedReference, match=r"Missing\.Arn"):
        resolver.resolve({"Fn::Sub": "${Missing.Arn}"})
    with pytest.raises(UnsupportedIntrinsic):
        resolver.resolve({"Fn::ImportValue": "shared"})


def test_definition_substitutions_keep_context_paths():
    definition = json.dumps({"Resource": "${Fn}", "Token.$": "$$.Task.Token", "X.$": "$.x", "Keep": "${Other}"})
    out = json.loads(substitute_definition(definition, {"Fn": "arn:aws:lambda:f"}))
    assert out == {"Resource": "arn:aws:lambda:f", "Token.$": "$$.Task.Token", "X.$": "$.x", "Keep": "${Other}"}
    with pytest.raises(TemplateError):
        substitute_definition('{"Seconds": ${N}}', {"N": "not a number"})


def test_creation_order_follows_references():
    template = load_template(ROOT_TEMPLATE)
    order = creation_order(template)
    assert sorted(order) == sorted(template["Resources"])
    before = {name: i for i, name in enumerate(order)}
    for logical_id, spec in template["Resources"].items():
        for needed in references(spec.get("Properties", {})) & set(template["Resources"]):
            assert before[needed] < before[logical_id], (needed, logical_id)
    # every function comes after what the Globals' environment refers to
    assert before["BulkBatchesTable"] < before["BulkPublishFunction"] and before["EventBus"] < before["ApiFunction"]


def test_circular_references_are_reported():
    template = {"Resources": {"A": {"Type": "X", "Properties": {"P": {"Ref": "B"}}},
                              "B": {"Type": "X", "Properties": {"P": {"Fn::GetAtt": ["A", "Arn"]}}}}}
    with pytest.raises(TemplateError, match="circular"):
        creation_order(template)


def test_globals_merge_as_sam_does():
    globals_ = {"Timeout": 30, "Layers": ["L1"], "Environment": {"Variables": {"A": "1", "B": "2"}},
                "Tracing": "Active"}
    props = {"Timeout": 60, "Layers": ["L2"], "Environment": {"Variables": {"B": "3", "C": "4"}},
             "Tracing": {"Ref": "X"}}
    assert with_globals(globals_, props) == {
        "Timeout": 60, "Layers": ["L1", "L2"], "Environment": {"Variables": {"A": "1", "B": "3", "C": "4"}},
        "Tracing": {"Ref": "X"}}


def test_fixture_template_loads():
    assert load_template(TEMPLATE)["Resources"]["Flow"]["Type"] == "AWS::Serverless::StateMachine"


def test_undeclared_references_fail_before_anything_is_created():
    from ebox_local.provisioning import check_references

    check_references(load_template(ROOT_TEMPLATE))
    template = {"Parameters": {"P": {}}, "Resources": {
        "A": {"Type": "X", "Properties": {"N": {"Fn::Sub": "${P}-${AWS::Region}-${B.Arn}-${!V}"},
                                          "M": {"Fn::Sub": ["${V}", {"V": {"Ref": "Typo"}}]}}},
        "B": {"Type": "X"}}}
    with pytest.raises(TemplateError, match="A refers to Typo, which"):
        check_references(template)
