"""The shims on moto's backends: Lambda's Invoke runs the real handler (errors by class name, so that
Step Functions' Catch matches them); EventBridge and S3 notifications start state machines."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
from ebox_local.moto_bridges import normalised_event, target_input

from tests.waiting import eventually


def _finished(sfn, arn: str) -> dict:
    def done():
        answer = sfn.describe_execution(executionArn=arn)
        return answer if answer["status"] != "RUNNING" else None

    answer = eventually(done)
    assert answer, f"{arn} still running"
    return answer


def _run(mocked, payload: dict) -> dict:
    sfn = boto3.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=mocked.physical_id("Flow"), input=json.dumps(payload))["executionArn"]
    answer = _finished(sfn, arn)
    assert answer["status"] == "SUCCEEDED", answer
    return json.loads(answer["output"])


def test_a_step_functions_task_runs_the_real_handler(mocked):
    output = _run(mocked, {"action": "ok"})
    assert output["outcome"] == "done"  # a DefinitionSubstitution in a Pass state
    result = output["result"]
    assert result["greeting"] == "hello from eu-west-1"  # the function's environment, from Globals
    assert result["function"] == "ebox-local-StepFunction" and result["memory"] == 256
    assert 0 < result["remainingMs"] <= 10_000
    assert result["execution"]  # $$.Execution.Name survived the substitutions


def test_nameless_executions_get_names_of_their_own(mocked):
    sfn = boto3.client("stepfunctions")
    arns = {sfn.start_execution(stateMachineArn=mocked.physical_id("Flow"), input="{}")["executionArn"]
            for _ in range(2)}
    assert len(arns) == 2 and not any(arn.endswith(":None") for arn in arns)
    for arn in arns:
        _finished(sfn, arn)


def test_a_handler_exception_is_caught_by_its_class_name(mocked):
    output = _run(mocked, {"action": "decline"})
    assert output["outcome"] == "declined"
    assert output["error"]["Error"] == "PaymentDeclined"
    assert json.loads(output["error"]["Cause"])["errorMessage"] == "card refused"


def test_other_exceptions_reach_states_all(mocked):
    output = _run(mocked, {"action": "crash"})
    assert (output["outcome"], output["error"]["Error"]) == ("broken", "ValueError")


def test_lambda_invoke_answers_like_lambda(mocked):
    client = boto3.client("lambda")
    ok = client.invoke(FunctionName="ebox-local-StepFunction", Payload=json.dumps({"input": {}}))
    assert "FunctionError" not in ok and json.load(ok["Payload"])["greeting"] == "hello from eu-west-1"
    failed = client.invoke(FunctionName=mocked.functions["StepFunction"].arn,
                           Payload=json.dumps({"input": {"action": "decline"}}))
    assert failed["FunctionError"] == "Unhandled"
    assert json.load(failed["Payload"])["errorType"] == "PaymentDeclined"
    assert client.invoke(FunctionName="ebox-local-StepFunction", InvocationType="Event",
                         Payload=b"{}")["StatusCode"] == 202


def test_functions_outside_the_template_keep_moto_behaviour(mocked):
    client = boto3.client("lambda")
    role = client.get_function(FunctionName="ebox-local-StepFunction")["Configuration"]["Role"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("x.py", "")
    client.create_function(FunctionName="other", Runtime="python3.12", Role=role, Handler="x.h",
                           Code={"ZipFile": code.getvalue()})
    assert json.load(client.invoke(FunctionName="other", Payload=b'{"echo": 1}')["Payload"]) == {"echo": 1}


def test_an_s3_drop_starts_the_state_machine_once_per_object(mocked):
    s3, sfn = boto3.client("s3"), boto3.client("stepfunctions")
    bucket = mocked.physical_id("Bucket")
    for key in ("in/one.zip", "in/two.zip", "in/ignored.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"PK")
    machine = mocked.physical_id("Flow")
    def finished():  # both executions, once neither runs (under load one may still be running)
        done = [e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["status"] != "RUNNING"]
        return done if len(done) >= 2 else None

    executions = eventually(finished)
    assert len(executions) == 2  # two .zip objects, two executions (moto's S3 events share one id)
    inputs = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in executions]
    assert sorted(i["detail"]["object"]["key"] for i in inputs) == ["in/one.zip", "in/two.zip"]
    assert all(i["source"] == "aws.s3" and i["time"].endswith("Z") for i in inputs)


def test_a_schedule_rule_receives_no_events(mocked):
    events, sqs = boto3.client("events"), boto3.client("sqs")
    queue = mocked.queue_url("Work")
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "q", "Arn": arn}])
    events.put_rule(Name="drops", EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]}))
    events.put_targets(Rule="drops", Targets=[{"Id": "q", "Arn": arn}])
    boto3.client("s3").put_object(Bucket=mocked.physical_id("Bucket"), Key="in/one.zip", Body=b"PK")
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)["Messages"]
    assert [json.loads(m["Body"])["detail-type"] for m in received] == ["Object Created"]  # by the pattern rule only


def test_put_events_reach_sqs_natively_and_state_machines_through_the_bridge(mocked):
    events, sqs, sfn = boto3.client("events"), boto3.client("sqs"), boto3.client("stepfunctions")
    bus = mocked.physical_id("Bus")
    events.put_events(Entries=[
        {"EventBusName": bus, "Source": "test.app", "DetailType": "Work", "Detail": json.dumps({"id": "w1"})},
        {"EventBusName": bus, "Source": "test.app", "DetailType": "Start", "Detail": json.dumps({"action": "ok"})},
    ])
    received = sqs.receive_message(QueueUrl=mocked.queue_url("Work"), WaitTimeSeconds=0)["Messages"]
    assert [json.loads(m["Body"])["detail"] for m in received] == [{"id": "w1"}]
    machine = mocked.physical_id("Flow")
    executions = eventually(lambda: sfn.list_executions(stateMachineArn=machine)["executions"])
    answer = _finished(sfn, executions[0]["executionArn"])
    assert json.loads(answer["input"]) == {"action": "ok"}  # InputPath: $.detail
    assert json.loads(answer["output"])["outcome"] == "done"


def test_event_normalisation_and_target_input():
    event = normalised_event({"id": "17793124-05d4-b198-2fde-7ededc63b103", "time": 0, "detail": {"a": {"b": 1}}})
    assert event["id"] != "17793124-05d4-b198-2fde-7ededc63b103" and event["time"] == "1970-01-01T00:00:00Z"
    assert target_input({"InputPath": "$.detail.a"}, event) == {"b": 1}
    assert target_input({"Input": '{"fixed": true}'}, event) == {"fixed": True}
    assert target_input({}, event) is event


def test_rules_targeting_lambda_or_unemulated_services(mocked, caplog):
    caplog.set_level("INFO", logger="ebox_local")
    events = boto3.client("events")
    bus = mocked.physical_id("Bus")
    topic = boto3.client("sns").create_topic(Name="elsewhere")["TopicArn"]
    events.put_rule(Name="to-lambda", EventBusName=bus, EventPattern=json.dumps({"source": ["test.other"]}))
    events.put_targets(Rule="to-lambda", EventBusName=bus, Targets=[
        {"Id": "fn", "Arn": mocked.functions["StepFunction"].arn, "Input": json.dumps({"input": {}})},
        {"Id": "topic", "Arn": topic}])
    answer = events.put_events(Entries=[{"EventBusName": bus, "Source": "test.other", "DetailType": "X",
                                         "Detail": "{}"}])
    assert answer["FailedEntryCount"] == 0  # moto alone raises NotImplementedError for the SNS target
    assert eventually(lambda: "invoke StepFunction ok" in caplog.text)
    assert f"targets {topic}, which is not emulated locally" in caplog.text
