"""The provisioner creates every resource of template.yaml in moto, through the AWS APIs."""

from __future__ import annotations

import json

import boto3
import pytest
from ebox_local.errors import ProvisioningError
from ebox_local.provisioning import provision_template
from ebox_local.template import load_template
from moto import mock_aws

from tests.local.conftest import MOTO_CONFIG, ROOT_TEMPLATE, TEMPLATE


@pytest.fixture
def provisioned(aws_env):
    with mock_aws(config=MOTO_CONFIG):
        yield provision_template(ROOT_TEMPLATE)


def _of_type(kind: str) -> dict[str, dict]:
    return {k: v for k, v in load_template(ROOT_TEMPLATE)["Resources"].items() if v["Type"] == kind}


def test_every_resource_of_template_yaml_is_created(provisioned):
    declared = load_template(ROOT_TEMPLATE)["Resources"]
    # Conditions off by default: no AlarmEmail (nobody subscribed), no WebDistribution (no CloudFront locally).
    off = ("HasAlarmEmail", "HasWebDistribution")
    unconditional = {k for k, v in declared.items() if v.get("Condition") not in off}
    assert set(provisioned.resources) == unconditional
    assert provisioned.skipped == []  # template.yaml uses only types the local stack emulates

    tables = set(boto3.client("dynamodb").list_tables()["TableNames"])
    assert tables == {provisioned.physical_id(t) for t in _of_type("AWS::DynamoDB::Table")} == {
        "ebox-registry-dev", "ebox-messages-dev", "ebox-bulk-batches-dev", "ebox-downloads-dev",
        "ebox-statistics-dev", "ebox-rate-limits-dev"}
    buckets = {b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]}
    assert buckets == {provisioned.physical_id(b) for b in _of_type("AWS::S3::Bucket")}
    queues = set(boto3.client("sqs").list_queues()["QueueUrls"])
    assert queues == {provisioned.physical_id(q) for q in _of_type("AWS::SQS::Queue")}
    machines = {m["stateMachineArn"] for m in boto3.client("stepfunctions").list_state_machines()["stateMachines"]}
    assert machines == {provisioned.physical_id(m) for m in _of_type("AWS::Serverless::StateMachine")}
    functions = {f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]}
    assert functions == {provisioned.physical_id(f) for f in _of_type("AWS::Serverless::Function")}
    kms = boto3.client("kms")
    keys = {k["KeyId"] for k in kms.list_keys()["Keys"]
            if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER"}
    # (moto adds the AWS-managed aws/dynamodb key that SSEEnabled tables use, as AWS does)
    assert {provisioned.physical_id(k) for k in _of_type("AWS::KMS::Key")} <= keys
    assert boto3.client("ses").list_identities()["Identities"] == ["no-reply@ebox.example"]
    buses = {b["Name"] for b in boto3.client("events").list_event_buses()["EventBuses"]}
    assert "ebox-dev" in buses
    policies = {p["Arn"] for p in boto3.client("iam").list_policies(Scope="Local")["Policies"]}
    assert policies == {provisioned.physical_id(p) for p in _of_type("AWS::IAM::ManagedPolicy")}
    topic = provisioned.physical_id("AlarmTopic")
    alarms = boto3.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert {a["AlarmName"] for a in alarms} == {provisioned.physical_id(a) for a in _of_type("AWS::CloudWatch::Alarm")}
    assert all(a["AlarmActions"] == [topic] for a in alarms)


def test_resources_are_configured_as_declared(provisioned):
    s3, kms, sqs, events = (boto3.client(s) for s in ("s3", "kms", "sqs", "events"))
    evidence = provisioned.physical_id("EvidenceBucket")
    lock = s3.get_object_lock_configuration(Bucket=evidence)["ObjectLockConfiguration"]
    assert (lock["Rule"]["DefaultRetention"]["Mode"], lock["Rule"]["DefaultRetention"]["Years"]) == ("COMPLIANCE", 10)
    assert s3.get_bucket_versioning(Bucket=evidence)["Status"] == "Enabled"
    packages = s3.get_bucket_lifecycle_configuration(Bucket=provisioned.physical_id("DownloadsBucket"))["Rules"]
    assert [(r["Expiration"]["Days"], r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
            for r in packages] == [(7, 1)]  # bulk-download packages live a week
    content = provisioned.physical_id("ContentBucket")
    rule = s3.get_bucket_encryption(Bucket=content)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == provisioned.physical_id("ContentKey")
    assert s3.get_bucket_lifecycle_configuration(Bucket=content)["Rules"][0]["Expiration"] == {"Days": 1}

    signing = kms.describe_key(KeyId=provisioned.physical_id("TokenSigningKey"))["KeyMetadata"]
    assert (signing["KeySpec"], signing["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert kms.get_key_rotation_status(KeyId=provisioned.physical_id("ContentKey"))["KeyRotationEnabled"]

    attributes = sqs.get_queue_attributes(QueueUrl=provisioned.queue_url("NotificationQueue"),
                                          AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "360"
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith(
        "ebox-local-NotificationDeadLetterQueue")
    assert "events.amazonaws.com" in attributes["Policy"]

    rules = {r["Name"]: r for r in events.list_rules(EventBusName="ebox-dev")["Rules"]}
    assert {"ebox-local-MessagePublishedToNotification", "ebox-local-MessageEventsToEvidence",
            "QualifiedDeliveryStateMachineQualifiedMessagePublished"} <= set(rules)
    default_rules = {r["Name"]: r for r in events.list_rules()["Rules"]}
    assert set(default_rules) == {"BulkImportStateMachineBatchDropped", "ScheduledNotificationsFunctionDailyDigest",
                                  "ScheduledNotificationsFunctionReminders"}
    targets = events.list_targets_by_rule(Rule="BulkImportStateMachineBatchDropped")["Targets"]
    assert targets[0]["Arn"] == provisioned.physical_id("BulkImportStateMachine")
    assert default_rules["ScheduledNotificationsFunctionDailyDigest"]["ScheduleExpression"] == "cron(0 5 * * ? *)"
    [digest] = events.list_targets_by_rule(Rule="ScheduledNotificationsFunctionDailyDigest")["Targets"]
    assert digest["Arn"].endswith(":function:ebox-dev-scheduled-notifications")
    assert json.loads(digest["Input"]) == {"job": "digest"}
    assert [(s.rule, s.function) for s in provisioned.schedules] == [
        ("ScheduledNotificationsFunctionDailyDigest", "ScheduledNotificationsFunction"),
        ("ScheduledNotificationsFunctionReminders", "ScheduledNotificationsFunction")]


def test_state_machines_get_their_substitutions(provisioned):
    sfn = boto3.client("stepfunctions")
    definition = json.loads(sfn.describe_state_machine(
        stateMachineArn=provisioned.physical_id("QualifiedDeliveryStateMachine"))["definition"])
    task = definition["States"]["AwaitAcceptance"]
    assert task["Parameters"]["FunctionName"] == provisioned.functions["AwaitAcceptanceFunction"].arn
    assert task["Parameters"]["Payload"]["taskToken.$"] == "$$.Task.Token"
    assert "'1296000'" in definition["States"]["Prepare"]["Parameters"]["acceptanceWindowSeconds.$"]
    assert "${" not in json.dumps(definition)


def test_functions_get_globals_and_their_own_environment(provisioned):
    functions = provisioned.functions
    assert set(functions) == set(_of_type("AWS::Serverless::Function"))
    api, notify = functions["ApiFunction"], functions["NotifyFunction"]
    assert api.environment["EBOX_TOKEN_TTL_SECONDS"] == "3600"  # its own
    assert "EBOX_TOKEN_TTL_SECONDS" not in notify.environment
    for function in functions.values():  # the Globals
        assert function.environment["EBOX_REGISTRY_TABLE"] == "ebox-registry-dev"
        assert function.environment["EBOX_CONTENT_KEY_ID"] == provisioned.physical_id("ContentKey")
        assert function.environment["EBOX_JWKS_URL"] == ""
        assert (function.code_dir / (function.handler.split(".")[0] + ".py")).is_file()
    assert (api.memory_mb, api.timeout, notify.timeout, notify.memory_mb) == (1024, 30, 60, 512)
    assert provisioned.environment["EBOX_EVENT_BUS"] == "ebox-dev"


def test_event_sources_and_api_routes(provisioned):
    mappings = {(m.function, m.queue_url, m.batch_size, m.report_batch_item_failures)
                for m in provisioned.sqs_mappings}
    assert mappings == {
        ("NotifyFunction", provisioned.queue_url("NotificationQueue"), 10, True),
        ("RecordEvidenceFunction", provisioned.queue_url("EvidenceQueue"), 10, True),
        ("BulkPublishFunction", provisioned.queue_url("BulkLinesQueue"), 2, True),
        ("BuildDownloadFunction", provisioned.queue_url("DownloadJobsQueue"), 1, True),
        ("SendCallbacksFunction", provisioned.queue_url("CallbackQueue"), 10, True),
        ("RecordStatisticsFunction", provisioned.queue_url("StatisticsQueue"), 10, True),
    }
    assert {m.function: m.concurrency for m in provisioned.sqs_mappings} == {
        "NotifyFunction": 1, "RecordEvidenceFunction": 1, "BulkPublishFunction": 4,  # MaximumConcurrency 100, capped
        "BuildDownloadFunction": 1, "SendCallbacksFunction": 1, "RecordStatisticsFunction": 1}
    routes = {(r.path, r.method): (r.function, r.api, r.authorizer, r.api_key_required) for r in provisioned.api_routes}
    guarded = {route for route, auth in routes.items() if auth == ("ApiFunction", "EboxApi", "BearerToken", True)}
    public = {route for route, auth in routes.items() if auth == ("ApiFunction", "EboxApi", None, False)}
    assert guarded == {("/", "ANY"), ("/{proxy+}", "ANY"), ("/admin/v1/sender-requests", "GET")}
    assert {("/oauth/token", "POST"), ("/admin/v1/sender-requests", "POST"), ("/evidence/keys/{kid}", "GET")} <= public
    assert len(guarded) + len(public) == len(provisioned.api_routes)
    assert provisioned.binary_media_types == ["multipart/form-data", "application/octet-stream", "*/*"]


def test_the_api_s_authorizer_usage_plans_and_gateway_responses(provisioned):
    api = provisioned.apis["EboxApi"]
    [authorizer] = api.authorizers.values()
    assert (authorizer.function, authorizer.header) == ("AuthorizeFunction", "Authorization")
    assert authorizer.ttl_seconds == 300
    assert api.api_key_source == "AUTHORIZER" and api.default_authorizer == authorizer.name
    denied = api.responses["ACCESS_DENIED"]
    assert denied.status == 401 and '"environment": "development"' in (denied.template or "")
    apigateway = boto3.client("apigateway")
    plans = {p["name"]: p for p in apigateway.get_usage_plans()["items"]}
    assert plans["ebox-dev-clients"]["throttle"] == {"rateLimit": 50.0, "burstLimit": 100}
    assert plans["ebox-dev-clients"]["quota"]["limit"] == 200000
    [shared] = apigateway.get_usage_plan_keys(usagePlanId=plans["ebox-dev-shared"]["id"])["items"]
    assert shared["value"] == provisioned.functions["AuthorizeFunction"].environment["EBOX_SHARED_USAGE_KEY"]
    registry = provisioned.functions["SenderRegistryFunction"].environment
    assert registry["EBOX_USAGE_PLAN_ID"] == plans["ebox-dev-clients"]["id"]


def test_parameters_can_be_overridden(aws_env):
    with mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(ROOT_TEMPLATE, {"Stage": "demo", "AcceptanceWindowSeconds": "2"})
        assert provisioned.physical_id("RegistryTable") == "ebox-registry-demo"


def test_fixture_template_conditions_and_unknown_types(aws_env, caplog):
    with mock_aws(config=MOTO_CONFIG):
        caplog.set_level("INFO", logger="ebox_local")
        provisioned = provision_template(TEMPLATE)
        assert "FancyQueue" not in provisioned.resources  # condition false
        assert [r.logical_id for r in provisioned.skipped] == ["Distribution"]
        assert "Distribution (AWS::CloudFront::Distribution) skipped" in caplog.text
        api = provisioned.functions["ApiFunction"]
        assert api.environment["GREETING"] == "hello from eu-west-1"
        assert api.environment["DISTRIBUTION"].startswith("arn:aws:local:")  # a stand-in, not a crash
        assert api.memory_mb == 256  # FindInMap in Globals
        assert provisioned.functions["StepFunction"].environment.get("API_ONLY") is None


def test_a_failed_creation_names_the_resource(aws_env):
    with mock_aws(config=MOTO_CONFIG):
        boto3.client("s3").create_bucket(Bucket="drop-test-123456789012",
                                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        with pytest.raises(ProvisioningError, match=r"Bucket \(AWS::S3::Bucket\)"):
            provision_template(TEMPLATE)


def test_an_alarm_email_is_subscribed_to_the_alarm_topic(aws_env):
    with mock_aws(config=MOTO_CONFIG):
        provisioned = provision_template(ROOT_TEMPLATE, {"AlarmEmail": "oncall@ebox.example"})
        subscriptions = boto3.client("sns").list_subscriptions_by_topic(
            TopicArn=provisioned.physical_id("AlarmTopic"))["Subscriptions"]
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@ebox.example")]
