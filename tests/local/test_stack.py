"""The whole local stack in this process, on free ports: health, API over HTTP, pollers, bridges, mail."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading

import boto3
import pytest
import requests
from ebox_local.errors import PortUnavailable, StackAlreadyRunning
from ebox_local.stack import LocalStack

from tests.local.conftest import ROOT_TEMPLATE, TEMPLATE
from tests.waiting import eventually


@pytest.fixture
def clean_env(aws_env, monkeypatch):
    monkeypatch.delenv("MOTO_PORT", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "a-profile-that-does-not-exist")  # must not leak into the stack


def _client(stack: LocalStack, service: str):
    return boto3.client(service, endpoint_url=stack.aws_endpoint_url, region_name="eu-west-1")


def test_health_is_503_until_ready_then_the_stack_serves(clean_env):
    seeding, release, seeded_with = threading.Event(), threading.Event(), []

    def slow_seed(env):
        seeded_with.append(dict(env))
        seeding.set()
        release.wait(20)

    stack = LocalStack(TEMPLATE, port=0, moto_port=0, seed=slow_seed)
    starter = threading.Thread(target=stack.start)
    starter.start()
    try:
        assert seeding.wait(20)
        starting = requests.get(f"{stack.api_url}/health", timeout=5)
        assert starting.status_code == 503 and starting.json()["status"] == "starting"
        assert requests.get(f"{stack.api_url}/", timeout=5).status_code == 503
        release.set()
        starter.join(20)
        ready = requests.get(f"{stack.api_url}/health", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ok"
        assert ready.json()["notEmulated"] == ["Distribution"] and ready.json()["sqsPollers"] == ["BatchFunction"]
        assert seeded_with[0]["TABLE"] == "seen-test"
        assert os.environ["AWS_ENDPOINT_URL"] == stack.aws_endpoint_url and "AWS_PROFILE" not in os.environ
        _api_round_trips(stack)
        _events_reach_pollers_and_state_machines(stack)
        _mail_is_captured(stack)
    finally:
        release.set()
        starter.join(20)
        stack.stop()
    assert os.environ["AWS_PROFILE"] == "a-profile-that-does-not-exist" and "AWS_ENDPOINT_URL" not in os.environ
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.api_url}/health", timeout=2)


def _api_round_trips(stack: LocalStack) -> None:
    document = bytes(range(256)) * 4096  # 1 MiB, every byte value
    answer = requests.post(f"{stack.api_url}/upload", files={"doc": ("d.bin", document, "application/pdf")},
                           timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["size"] > len(document) and answer.json()["contentType"].startswith("multipart/form-data")
    image = requests.get(f"{stack.api_url}/image", headers={"Accept": "image/png"}, timeout=10)
    assert image.headers["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert hashlib.sha256(image.content).hexdigest() == hashlib.sha256(
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).hexdigest()
    echo = requests.get(f"{stack.api_url}/echo/x", timeout=10).json()
    assert (echo["greeting"], echo["apiOnly"]) == ("hello from eu-west-1", "yes")
    too_big = requests.post(f"{stack.api_url}/upload", data=b"x" * (10 * 1024 * 1024 + 1),
                            headers={"Content-Type": "application/octet-stream"}, timeout=30)
    assert too_big.status_code == 413


def _events_reach_pollers_and_state_machines(stack: LocalStack) -> None:
    for kind, detail in (("Work", {"id": "via-bus"}), ("Start", {"action": "decline"})):
        answer = requests.post(f"{stack.api_url}/events", json={"type": kind, "detail": detail}, timeout=10)
        assert answer.json() == {"failed": 0}
    dynamodb = _client(stack, "dynamodb")
    assert eventually(lambda: dynamodb.get_item(TableName="seen-test", Key={"pk": {"S": "via-bus"}}).get("Item"))

    _client(stack, "s3").put_object(Bucket="drop-test-123456789012", Key="drop.zip", Body=b"PK")
    sfn = _client(stack, "stepfunctions")
    machine = stack.provisioned.physical_id("Flow")

    def outcomes():
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        done = [sfn.describe_execution(executionArn=e["executionArn"]) for e in executions]
        found = sorted(json.loads(d["output"])["outcome"] for d in done if d["status"] == "SUCCEEDED")
        return found if len(found) == 2 else None

    assert eventually(outcomes) == ["declined", "done"]  # the PutEvents one caught PaymentDeclined


def _mail_is_captured(stack: LocalStack) -> None:
    for n in (1, 2):
        requests.post(f"{stack.api_url}/mail", json={"to": "office@x.example", "subject": f"S{n}", "text": f"T{n}"},
                      timeout=10).raise_for_status()
    mails = requests.get(f"{stack.api_url}/local/mail", timeout=10).json()
    assert [(m["subject"], m["body"], m["destinations"], m["source"]) for m in mails] == [
        ("S2", "T2", ["office@x.example"], "robot@local.example"),
        ("S1", "T1", ["office@x.example"], "robot@local.example")]
    assert mails[0]["timestamp"] >= mails[1]["timestamp"] and mails[0]["id"]


def test_it_starts_again_in_the_same_process_with_fresh_state(clean_env):
    stack = LocalStack(TEMPLATE, port=0, moto_port=0, seed=None)
    for _ in range(2):  # the same object, started twice
        with stack:
            assert requests.get(f"{stack.api_url}/health", timeout=5).status_code == 200
            dynamodb = _client(stack, "dynamodb")
            assert dynamodb.scan(TableName="seen-test")["Items"] == []
            dynamodb.put_item(TableName="seen-test", Item={"pk": {"S": "left-over"}})
            with pytest.raises(StackAlreadyRunning):
                LocalStack(TEMPLATE, port=0, moto_port=0).start()


def test_a_busy_port_is_reported_and_nothing_is_left_running(clean_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PortUnavailable, match=str(port)):
            LocalStack(TEMPLATE, port=0, moto_port=port, seed=None).start()
    assert "AWS_ENDPOINT_URL" not in os.environ
    with LocalStack(TEMPLATE, port=0, moto_port=0, seed=None) as stack:  # the guard was released
        assert requests.get(f"{stack.api_url}/health", timeout=5).status_code == 200


def test_the_real_template_with_its_demo_data(clean_env):
    with LocalStack(ROOT_TEMPLATE, port=0, moto_port=0) as stack:
        health = requests.get(f"{stack.api_url}/health", timeout=5).json()
        assert health["status"] == "ok" and len(health["functions"]) == 16 and len(health["sqsPollers"]) == 9
        # the outbox and the evidence archive
        assert sorted(health["streamPollers"]) == ["ArchiveEvidenceFunction", "PublishOutboxFunction"]
        schedules = requests.get(f"{stack.api_url}/local/schedules", timeout=5).json()
        assert [s["input"] for s in schedules] == [{"job": "digest"}, {"job": "reminders"}]
        refused = requests.post(f"{stack.api_url}/local/schedules", json={"today": "someday"}, timeout=5)
        assert refused.status_code == 400 and "YYYY-MM-DD" in refused.json()["message"]
        token = requests.post(f"{stack.api_url}/oauth/token", timeout=30, data={
            "grant_type": "client_credentials", "client_id": "demo-sender", "client_secret": "demo-sender-secret"})
        assert token.status_code == 200, token.text
        assert requests.get(f"{stack.api_url}/oauth/jwks", timeout=10).json()["keys"]
        assert stack.provisioned.environment["EBOX_TSA_URL"] == f"{stack.api_url}/local/tsa"
    with stack:  # again, on another free port: the local TSA's URL follows
        assert stack.provisioned.environment["EBOX_TSA_URL"] == f"{stack.api_url}/local/tsa"
        assert b"BEGIN CERTIFICATE" in requests.get(f"{stack.api_url}/local/tsa/certificate", timeout=10).content
