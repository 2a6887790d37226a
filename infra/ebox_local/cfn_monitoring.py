"""The template's monitoring resources (the alarm topic, its subscription, CloudWatch alarms), created
through the AWS APIs as CloudFormation would create them; nothing watches them locally, but they exist
as declared so that what is deployed can be read back and checked."""

from __future__ import annotations

from typing import Any

from ebox_local.model import Created, Creator, ProvisioningContext


def sns_topic(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    name = props.get("TopicName") or f"{ctx.prefix}-{logical_id}"
    attributes = {"KmsMasterKeyId": str(props["KmsMasterKeyId"])} if props.get("KmsMasterKeyId") else {}
    arn = ctx.client("sns").create_topic(Name=name, Attributes=attributes)["TopicArn"]
    return arn, {"TopicArn": arn, "TopicName": name}


def sns_subscription(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    answer = ctx.client("sns").subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                         Endpoint=props["Endpoint"], ReturnSubscriptionArn=True)
    return answer["SubscriptionArn"], {}


def cloudwatch_alarm(ctx: ProvisioningContext, logical_id: str, raw: dict[str, Any]) -> Created:
    props = ctx.resolver.resolve(raw)
    name = props.get("AlarmName") or f"{ctx.prefix}-{logical_id}"
    ctx.client("cloudwatch").put_metric_alarm(
        AlarmName=name,
        AlarmDescription=props.get("AlarmDescription", ""),
        Namespace=props["Namespace"],
        MetricName=props["MetricName"],
        Dimensions=props.get("Dimensions", []),
        Statistic=props["Statistic"],
        Period=int(props["Period"]),
        EvaluationPeriods=int(props["EvaluationPeriods"]),
        Threshold=float(props["Threshold"]),
        ComparisonOperator=props["ComparisonOperator"],
        TreatMissingData=props.get("TreatMissingData", "missing"),
        AlarmActions=props.get("AlarmActions", []),
        OKActions=props.get("OKActions", []),
    )
    return name, {"Arn": ctx.arn("cloudwatch", f"alarm:{name}")}


CREATORS: dict[str, Creator] = {
    "AWS::SNS::Topic": sns_topic,
    "AWS::SNS::Subscription": sns_subscription,
    "AWS::CloudWatch::Alarm": cloudwatch_alarm,
}
