"""Work that is not done must wake someone: every dead-letter queue and every state machine of the
template has an alarm, and every alarm publishes to the one alarm topic on-call subscribes to."""

from __future__ import annotations

from typing import Any


def _alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def _watched(alarm: dict[str, Any], dimension: str) -> Any:
    return next((d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == dimension), None)


def test_every_dead_letter_queue_has_an_alarm_on_its_first_message(template):
    dead_letter_queues = {r["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                          for r in template["Resources"].values()
                          if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in r.get("Properties", {})}
    assert len(dead_letter_queues) >= 4
    watched = {}
    for alarm in _alarms(template).values():
        queue = _watched(alarm, "QueueName")
        if queue is not None:
            watched[queue["Fn::GetAtt"][0]] = alarm
    assert set(watched) == dead_letter_queues
    for alarm in watched.values():
        assert (alarm["MetricName"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
            "ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", 0)


def test_every_state_machine_has_an_alarm_on_failed_executions(template):
    machines = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::StateMachine"}
    watched = {_watched(a, "StateMachineArn")["Ref"] for a in _alarms(template).values()
               if a["MetricName"] == "ExecutionsFailed"}
    assert machines and watched == machines


def test_every_alarm_tells_the_alarm_topic(template):
    alarms = _alarms(template)
    assert alarms and all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    assert template["Resources"]["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}


def test_every_function_has_an_alarm_on_its_errors(template):
    functions = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    watched = {}
    for alarm in _alarms(template).values():
        function = _watched(alarm, "FunctionName")
        if function is not None:
            watched[function["Ref"]] = alarm
    assert len(functions) >= 10 and set(watched) == functions
    for alarm in watched.values():
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"], alarm["ComparisonOperator"],
                alarm["Threshold"]) == ("AWS/Lambda", "Errors", "Sum", "GreaterThanThreshold", 0)


def test_the_api_has_an_alarm_on_its_5xx_answers(template, transformed):
    [alarm] = [a for a in _alarms(template).values() if a["Namespace"] == "AWS/ApiGateway"]
    assert (alarm["MetricName"], alarm["Statistic"], alarm["Threshold"]) == ("5XXError", "Sum", 0)
    # the dimensions name the API SAM makes for the API function's events: its title and its stage
    api = transformed["Resources"]["EboxApi"]["Properties"]["Body"]["info"]["title"]
    stages = {r["Properties"]["StageName"] for r in transformed["Resources"].values()
              if r["Type"] == "AWS::ApiGateway::Stage"}
    assert _watched(alarm, "ApiName") == api and _watched(alarm, "Stage") in stages
