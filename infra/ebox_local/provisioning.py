"""Creates every resource of template.yaml in the emulator, through the AWS APIs, and describes what
it made. The template stays the one list of resources: nothing here names a resource of its own."""

from __future__ import annotations

import io
import json
import logging
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebox.adapters.aws_clients import aws_client

from ebox_local.cfn import ACCOUNT_ID, Resolver, load_template, substitute_definition

logger = logging.getLogger("ebox_local")
PREFIX = "ebox-local"


@dataclass
class LocalFunction:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: dict[str, str]
    timeout: int


@dataclass
class SqsMapping:
    function: str
    queue_url: str
    batch_size: int


@dataclass
class Provisioned:
    environment: dict[str, str]
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    sqs_mappings: list[SqsMapping] = field(default_factory=list)
    refs: dict[str, Any] = field(default_factory=dict)

    def queue_url(self, logical_id: str) -> str:
        return str(self.refs[logical_id])

    def function_by_name(self, name_or_arn: str) -> LocalFunction | None:
        name = name_or_arn.rsplit(":function:", 1)[-1].split(":", 1)[0]
        return next((f for f in self.functions.values() if f.name == name), None)


class _Provisioner:
    def __init__(self, template_path: Path, parameters: dict[str, str] | None) -> None:
        self.root = template_path.parent
        self.template = load_template(template_path)
        self.region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
        self.resolver = Resolver(self.template, self.region, parameters)
        self.result = Provisioned(environment={})
        self._role_arn: str | None = None

    def client(self, service: str) -> Any:
        return aws_client(service, region=self.region, endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{resource}"

    def run(self) -> Provisioned:
        pending = dict(self.template["Resources"])
        while pending:
            progressed = False
            for logical_id, spec in list(pending.items()):
                if "Condition" in spec and not self.resolver.conditions[spec["Condition"]]:
                    del pending[logical_id]
                    continue
                try:
                    self.create(logical_id, spec["Type"], spec.get("Properties", {}))
                except KeyError as unresolved:
                    if "not created yet" not in str(unresolved):
                        raise
                    continue
                del pending[logical_id]
                progressed = True
            if not progressed:
                raise RuntimeError(f"cannot resolve references of: {', '.join(pending)}")
        self.result.refs = dict(self.resolver.refs)
        return self.result

    def create(self, logical_id: str, kind: str, raw: dict[str, Any]) -> None:
        if kind == "AWS::Serverless::Function":
            raw = _with_globals(self.template, raw)
        creator = getattr(self, "_" + kind.replace("::", "_").lower(), None)
        if creator is None:
            logger.info("template: %s (%s) is not emulated locally", logical_id, kind)
            self.resolver.refs[logical_id] = f"{PREFIX}-{logical_id}"
            return
        refs, attributes = creator(logical_id, raw)
        self.resolver.refs[logical_id] = refs
        for name, value in attributes.items():
            self.resolver.attributes[(logical_id, name)] = value
        logger.info("template: created %s (%s)", logical_id, kind)

    def _aws_kms_key(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve({k: v for k, v in raw.items() if k != "KeyPolicy"})
        meta = self.client("kms").create_key(
            Description=props.get("Description", logical_id),
            KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
        )["KeyMetadata"]
        return meta["KeyId"], {"Arn": meta["Arn"], "KeyId": meta["KeyId"]}

    def _aws_s3_bucket(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve(raw)
        s3 = self.client("s3")
        name = props.get("BucketName") or f"{PREFIX}-{logical_id.lower()}"
        extra: dict[str, Any] = {} if self.region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": self.region}}
        if props.get("ObjectLockEnabled"):
            extra["ObjectLockEnabledForBucket"] = True
        s3.create_bucket(Bucket=name, **extra)
        lock = props.get("ObjectLockConfiguration")
        if lock:
            retention = lock["Rule"]["DefaultRetention"]
            rule = {"DefaultRetention": {"Mode": retention["Mode"],
                                         **{k: int(v) for k, v in retention.items() if k in ("Days", "Years")}}}
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": rule})
        encryption = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration")
        if encryption:
            rules = [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                      **({"BucketKeyEnabled": r["BucketKeyEnabled"]} if "BucketKeyEnabled" in r else {})}
                     for r in encryption]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if props.get("VersioningConfiguration"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
        if props.get("PublicAccessBlockConfiguration"):
            s3.put_public_access_block(Bucket=name,
                                       PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
        rules = props.get("LifecycleConfiguration", {}).get("Rules", [])
        if rules:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in rules]})
        if props.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}})
        return name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}

    def _aws_dynamodb_table(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve(raw)
        name = props.get("TableName") or f"{PREFIX}-{logical_id}"
        keys = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes",
                "LocalSecondaryIndexes", "ProvisionedThroughput", "StreamSpecification")
        dynamodb = self.client("dynamodb")
        table = dynamodb.create_table(TableName=name, **{k: props[k] for k in keys if k in props})
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        return name, {"Arn": table["TableDescription"]["TableArn"]}

    def _aws_sqs_queue(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve(raw)
        name = props.get("QueueName") or f"{PREFIX}-{logical_id}"
        attributes = {k: (json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v))
                      for k, v in props.items() if k not in ("QueueName", "Tags")}
        url = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return url, {"Arn": self.arn("sqs", name), "QueueName": name, "QueueUrl": url}

    def _aws_sqs_queuepolicy(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve(raw)
        for url in props["Queues"]:
            self.client("sqs").set_queue_attributes(QueueUrl=url,
                                                    Attributes={"Policy": json.dumps(props["PolicyDocument"])})
        return f"{PREFIX}-{logical_id}", {}

    def _aws_events_eventbus(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        name = self.resolver.resolve(raw)["Name"]
        arn = self.client("events").create_event_bus(Name=name)["EventBusArn"]
        return name, {"Arn": arn, "Name": name}

    def _aws_events_rule(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve(raw)
        return self._rule(f"{PREFIX}-{logical_id}", props.get("EventBusName", "default"), props["EventPattern"],
                          props.get("Targets", []))

    def _rule(self, name: str, bus: str, pattern: dict[str, Any], targets: list[dict[str, Any]]) -> tuple[Any, Any]:
        events = self.client("events")
        arn = events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern), State="ENABLED")["RuleArn"]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        return name, {"Arn": arn}

    def _aws_ses_emailidentity(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        identity = self.resolver.resolve(raw)["EmailIdentity"]
        self.client("ses").verify_email_identity(EmailAddress=identity)
        return identity, {}

    def _aws_serverless_layerversion(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        # The layer's package is installed in this environment; nothing to create.
        return self.arn("lambda", f"layer:{PREFIX}-{logical_id}:1"), {}

    def _aws_serverless_function(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve({k: v for k, v in raw.items() if k != "Events"})
        name = f"{PREFIX}-{logical_id}"
        environment = {k: str(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
        self.client("lambda").create_function(
            FunctionName=name, Runtime=props.get("Runtime", "python3.12"), Role=self._lambda_role(),
            Handler=props["Handler"], Code={"ZipFile": _placeholder_zip()}, Timeout=int(props.get("Timeout", 3)),
            Environment={"Variables": environment})
        arn = self.arn("lambda", f"function:{name}")
        self.result.functions[logical_id] = LocalFunction(
            logical_id, name, arn, (self.root / props["CodeUri"]).resolve(), props["Handler"], environment,
            int(props.get("Timeout", 3)))
        self.result.environment.update(environment)
        for event_name, event in raw.get("Events", {}).items():
            if event["Type"] == "SQS":
                queue_arn = self.resolver.resolve(event["Properties"]["Queue"])
                url = self.client("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
                self.result.sqs_mappings.append(
                    SqsMapping(logical_id, url, int(event["Properties"].get("BatchSize", 10))))
            elif event["Type"] != "Api":
                logger.info("template: event %s of %s (%s) is not emulated", event_name, logical_id, event["Type"])
        return name, {"Arn": arn}

    def _aws_serverless_statemachine(self, logical_id: str, raw: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        props = self.resolver.resolve({k: v for k, v in raw.items() if k != "Events"})
        definition = (self.root / props["DefinitionUri"]).read_text()
        definition = substitute_definition(definition, props.get("DefinitionSubstitutions", {}))
        name = f"{PREFIX}-{logical_id}"
        arn = self.client("stepfunctions").create_state_machine(
            name=name, definition=definition, roleArn=self._lambda_role(), type=props.get("Type", "STANDARD"),
        )["stateMachineArn"]
        for event_name, event in raw.get("Events", {}).items():
            if event["Type"] == "EventBridgeRule":
                event_props = self.resolver.resolve(event["Properties"])
                self._rule(f"{name}-{event_name}", event_props.get("EventBusName", "default"), event_props["Pattern"],
                           [{"Id": "state-machine", "Arn": arn, "RoleArn": self._lambda_role()}])
        return arn, {"Arn": arn, "Name": name}

    def _lambda_role(self) -> str:
        if self._role_arn is None:
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                             "Principal": {"Service": "lambda.amazonaws.com"}}]}
            self._role_arn = self.client("iam").create_role(
                RoleName=f"{PREFIX}-execution", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        return self._role_arn


def _with_globals(template: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """A function's properties with the template's Globals applied, as SAM merges them."""
    merged = dict(template.get("Globals", {}).get("Function", {}))
    for key, value in props.items():
        if key == "Environment":
            variables = {**merged.get("Environment", {}).get("Variables", {}), **value.get("Variables", {})}
            merged["Environment"] = {"Variables": variables}
        else:
            merged[key] = value
    return merged


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"],
                                 "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return converted


def _placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "The local stack runs this function's code in-process.")
    return buffer.getvalue()


def provision_template(template_path: Path, parameters: dict[str, str] | None = None) -> Provisioned:
    """Creates the template's resources in the emulator that AWS_ENDPOINT_URL (or moto's mock) serves."""
    return _Provisioner(template_path, parameters).run()
