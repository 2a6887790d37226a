"""Plain CloudFormation resource types, created through the AWS APIs as CloudFormation would create them.
Each creator resolves its properties, makes the resource and returns what `!Ref`/`!GetAtt` give."""

from __future__ import annotations

import json
import logging
from typing import Any

from botocore.exceptions import ClientError

from ebox_local.model import Created, Creator, ProvisioningContext

logger = logging.getLogger("ebox_local")
ENCRYPTION = "ServerSideEncryptionConfiguration"


def kms_key(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    kms = ctx.client("kms")
    args: dict[str, Any] = {
        "Description": props.get("Description", logical_id),
        "KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
    }
    if props.get("KeyPolicy"):
        args["Policy"] = json.dumps(props["KeyPolicy"])
    if props.get("Tags"):
        args["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in props["Tags"]]
    meta = kms.create_key(**args)["KeyMetadata"]
    if props.get("EnableKeyRotation") and args["KeySpec"] == "SYMMETRIC_DEFAULT":
        kms.enable_key_rotation(KeyId=meta["KeyId"])
    return meta["KeyId"], {"Arn": meta["Arn"], "KeyId": meta["KeyId"]}


def kms_alias(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    ctx.client("kms").create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
    return props["AliasName"], {}


def _cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A template's CorsRule as S3's PutBucketCors takes it (MaxAge is MaxAgeSeconds there)."""
    names = {"AllowedMethods": "AllowedMethods", "AllowedOrigins": "AllowedOrigins",
             "AllowedHeaders": "AllowedHeaders", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
    return {names[k]: (int(v) if k == "MaxAge" else v) for k, v in rule.items() if k in names}


def s3_bucket(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    s3 = ctx.client("s3")
    name = props.get("BucketName") or f"{ctx.prefix}-{logical_id.lower()}"
    create: dict[str, Any] = {} if ctx.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": ctx.region}}
    if props.get("ObjectLockEnabled"):
        create["ObjectLockEnabledForBucket"] = True
    s3.create_bucket(Bucket=name, **create)
    if props.get("VersioningConfiguration"):
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
    lock = props.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention")
    if lock:
        retention = {"Mode": lock["Mode"], **{k: int(v) for k, v in lock.items() if k in ("Days", "Years")}}
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
    encryption = props.get("BucketEncryption", {}).get(ENCRYPTION)
    if encryption:
        rules = [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                  **({"BucketKeyEnabled": r["BucketKeyEnabled"]} if "BucketKeyEnabled" in r else {})}
                 for r in encryption]
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    cors = props.get("CorsConfiguration", {}).get("CorsRules", [])
    if cors:
        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [_cors_rule(r) for r in cors]})
    if props.get("PublicAccessBlockConfiguration"):
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    rules = props.get("LifecycleConfiguration", {}).get("Rules", [])
    if rules:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in rules]})
    notifications = _notification_configuration(props.get("NotificationConfiguration", {}))
    if notifications:
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration=notifications)
    if props.get("Tags"):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": props["Tags"]})
    return name, {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                  "RegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com"}


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"],
                                 "Filter": _lifecycle_filter(rule)}
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "NoncurrentVersionExpirationInDays" in rule:
        converted["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        converted["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return converted


def _lifecycle_filter(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's Prefix and TagFilters as the API's Filter (an And of both when both are given)."""
    prefix = rule.get("Prefix")
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters", [])]
    if not tags:
        return {"Prefix": prefix or ""}
    if prefix is None and len(tags) == 1:
        return {"Tag": tags[0]}
    return {"And": {**({"Prefix": prefix} if prefix is not None else {}), "Tags": tags}}


def _notification_configuration(props: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's NotificationConfiguration as the PutBucketNotificationConfiguration API wants it."""
    converted: dict[str, Any] = {}
    if props.get("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
        converted["EventBridgeConfiguration"] = {}
    for cfn_key, api_key, arn_key in (("QueueConfigurations", "QueueConfigurations", "Queue"),
                                      ("TopicConfigurations", "TopicConfigurations", "Topic"),
                                      ("LambdaConfigurations", "LambdaFunctionConfigurations", "Function")):
        if props.get(cfn_key):
            converted[api_key] = [{
                f"{arn_key}Arn": c[arn_key], "Events": [c["Event"]],
                **({"Filter": {"Key": {"FilterRules": c["Filter"]["S3Key"]["Rules"]}}} if "Filter" in c else {}),
            } for c in props[cfn_key]]
    return converted


def dynamodb_table(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    name = props.get("TableName") or f"{ctx.prefix}-{logical_id}"
    dynamodb = ctx.client("dynamodb")
    keys = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
            "ProvisionedThroughput", "Tags", "DeletionProtectionEnabled")
    args: dict[str, Any] = {k: props[k] for k in keys if k in props}
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    sse = props.get("SSESpecification")
    if sse:
        args["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled")),
                                    **{k: sse[k] for k in ("SSEType", "KMSMasterKeyId") if k in sse}}
    table = dynamodb.create_table(TableName=name, **args)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        try:
            dynamodb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        except ClientError as error:  # DynamoDB Local (beside LocalStack) has no backups: nothing to emulate
            if error.response.get("Error", {}).get("Code") != "UnknownOperationException":
                raise
            logger.info("template: %s point-in-time recovery is not emulated by this DynamoDB", logical_id)
    attributes = {"Arn": table["TableArn"]}
    if "LatestStreamArn" in table:
        attributes["StreamArn"] = table["LatestStreamArn"]
    return name, attributes


def sqs_queue(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    fifo = bool(props.get("FifoQueue"))
    name = props.get("QueueName") or f"{ctx.prefix}-{logical_id}" + (".fifo" if fifo else "")
    attributes = {k: _attribute(v) for k, v in props.items() if k not in ("QueueName", "Tags")}
    tags = {t["Key"]: t["Value"] for t in props.get("Tags", [])}
    url = ctx.client("sqs").create_queue(QueueName=name, Attributes=attributes, **({"tags": tags} if tags else {}))[
        "QueueUrl"]
    return url, {"Arn": ctx.arn("sqs", name), "QueueName": name, "QueueUrl": url}


def _attribute(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def sqs_queue_policy(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    for url in props["Queues"]:
        ctx.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])})
    return f"{ctx.prefix}-{logical_id}", {}


def events_event_bus(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    name = ctx.resolver.resolve(raw)["Name"]
    arn = ctx.client("events").create_event_bus(Name=name)["EventBusArn"]
    return name, {"Arn": arn, "Name": name}


def events_rule(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    return put_rule(ctx, props.get("Name") or f"{ctx.prefix}-{logical_id}", props, props.get("Targets", []))


def put_rule(ctx: ProvisioningContext, name: str, props: dict[str, Any], targets: list[dict[str, Any]]) -> Created:
    """A rule (pattern or schedule) on its bus, with its targets; shared with SAM's event sources."""
    events = ctx.client("events")
    bus = str(props.get("EventBusName") or "default").rsplit("/", 1)[-1]
    rule: dict[str, Any] = {"Name": name[:64], "EventBusName": bus, "State": props.get("State", "ENABLED")}
    if props.get("EventPattern"):
        rule["EventPattern"] = json.dumps(props["EventPattern"])
    if props.get("ScheduleExpression"):
        rule["ScheduleExpression"] = props["ScheduleExpression"]
    arn = events.put_rule(**rule)["RuleArn"]
    if targets:
        events.put_targets(Rule=rule["Name"], EventBusName=bus, Targets=targets)
    return f"{bus}|{rule['Name']}" if bus != "default" else rule["Name"], {"Arn": arn}


def ses_email_identity(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    identity = ctx.resolver.resolve(raw)["EmailIdentity"]
    ses = ctx.client("ses")
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)
    return identity, {}


def iam_role(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    """The role and its inline policies, as written (the emulators store IAM; neither enforces it)."""
    props = ctx.resolver.resolve(raw)
    name = props.get("RoleName") or f"{ctx.prefix}-{logical_id}"[:64]
    iam = ctx.client("iam")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"]),
                           **({"Path": props["Path"]} if "Path" in props else {}))["Role"]
    for policy in props.get("Policies", []):
        iam.put_role_policy(RoleName=name, PolicyName=policy["PolicyName"],
                            PolicyDocument=json.dumps(policy["PolicyDocument"]))
    for arn in props.get("ManagedPolicyArns", []):
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return name, {"Arn": role["Arn"], "RoleId": role["RoleId"]}


def logs_log_group(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    name = props.get("LogGroupName") or f"{ctx.prefix}-{logical_id}"
    logs = ctx.client("logs")
    logs.create_log_group(logGroupName=name)
    if "RetentionInDays" in props:
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    return name, {"Arn": ctx.arn("logs", f"log-group:{name}:*")}


def iam_managed_policy(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    """Kept in the emulated IAM, so that it can be read back; IAM is not enforced locally."""
    props = ctx.resolver.resolve(raw)
    name = props.get("ManagedPolicyName") or f"{ctx.prefix}-{logical_id}"
    arn = ctx.client("iam").create_policy(PolicyName=name, PolicyDocument=json.dumps(props["PolicyDocument"]),
                                          Description=props.get("Description", ""))["Policy"]["Arn"]
    return arn, {"PolicyArn": arn}


CREATORS: dict[str, Creator] = {
    "AWS::IAM::Role": iam_role,
    "AWS::IAM::ManagedPolicy": iam_managed_policy,
    "AWS::Logs::LogGroup": logs_log_group,
    "AWS::KMS::Key": kms_key,
    "AWS::KMS::Alias": kms_alias,
    "AWS::S3::Bucket": s3_bucket,
    "AWS::DynamoDB::Table": dynamodb_table,
    "AWS::SQS::Queue": sqs_queue,
    "AWS::SQS::QueuePolicy": sqs_queue_policy,
    "AWS::Events::EventBus": events_event_bus,
    "AWS::Events::Rule": events_rule,
    "AWS::SES::EmailIdentity": ses_email_identity,
}
