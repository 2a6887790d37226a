"""Bulk imports on moto: the drop starts the state machine (EventBridge), its chunks are handed to the
publishing worker as the SQS mapping would, the report lands next to the batch."""

from __future__ import annotations

import json
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from tests.apigw import PDF
from tests.bulk_batches import archive, line_for
from tests.fakes import INACTIVE, OTHER, PAPER_ONLY, SENDER
from tests.waiting import eventually

SETTLE_SECONDS = 60  # bounds how long a failing test waits; a busy machine may need most of it


@pytest.fixture
def bulk(stack):
    from ebox.wiring import services
    from ebox_local.functions import load_handler

    from tests.conftest import ROOT

    return {"services": services().bulk, "worker": load_handler(ROOT / "functions" / "bulk_publish", "app.handler"),
            "queue": stack.environment["EBOX_BULK_QUEUE_URL"]}


def batch_state(bulk, batch_id, sender=SENDER):
    from ebox.domain.batch_plan import BatchRef

    return bulk["services"].ledger.get(BatchRef(sender, batch_id)) or {}


def drain(stack, bulk, batch_id, *, until=("COMPLETED", "REFUSED", "CANCELLED"), sender=SENDER):
    """Runs the worker on the queued chunks, as the SQS mapping does, until the batch is done."""
    from tests.integration.test_pipeline_handlers import sqs_event

    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        state = batch_state(bulk, batch_id, sender)
        if state.get("status") in until:
            return state
        if time.monotonic() > deadline:
            break
        event = sqs_event(stack, bulk["queue"], expected=0)
        if event["Records"]:
            answer = bulk["worker"](event, None)
            failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
            for record in event["Records"]:
                if record["messageId"] not in failed:
                    stack.sqs.delete_message(QueueUrl=bulk["queue"], ReceiptHandle=record["receiptHandle"])
    raise AssertionError(f"batch {batch_id} did not finish: {batch_state(bulk, batch_id, sender)}")


def drops_handled(stack, batch_id, count, sender=SENDER):
    """Waits until the state machine is done with ``count`` drops of the batch (one execution each)."""
    sfn = stack.services.client("stepfunctions")
    machine = stack.provisioned.physical_id("BulkImportStateMachine")
    key = json.dumps(f"{sender}/{batch_id}.zip")

    def finished() -> bool:
        runs = [e for e in sfn.list_executions(stateMachineArn=machine)["executions"]
                if key in sfn.describe_execution(executionArn=e["executionArn"])["input"]]
        return len(runs) >= count and all(e["status"] != "RUNNING" for e in runs)

    assert eventually(finished, timeout=SETTLE_SECONDS, interval=0.05), (
        f"the state machine did not finish with {count} drops of {batch_id}")


def drop(stack, batch_id, data, sender=SENDER):
    stack.s3.put_object(Bucket=stack.import_bucket, Key=f"{sender}/{batch_id}.zip", Body=data)


def report(stack, batch_id, sender=SENDER):
    body = stack.s3.get_object(Bucket=stack.import_bucket, Key=f"{sender}/{batch_id}.results.jsonl")["Body"]
    return [json.loads(line) for line in body.read().decode().splitlines()]


def summary(stack, batch_id, sender=SENDER):
    body = stack.s3.get_object(Bucket=stack.import_bucket, Key=f"{sender}/{batch_id}.summary.json")["Body"]
    return json.loads(body.read())


def test_good_lines_are_published_and_each_bad_line_is_reported_with_its_code(stack, bulk, api, enterprise_token):
    lines = [line_for(), line_for(OTHER), "{not json", line_for("0852093432"), line_for(INACTIVE),
             line_for(document="documents/missing.pdf"), line_for(), line_for(PAPER_ONLY),
             line_for(data=b"other bytes")]
    drop(stack, "campaign-1", archive(lines))
    state = drain(stack, bulk, "campaign-1")
    results = report(stack, "campaign-1")
    assert [r["line"] for r in results] == list(range(1, 10))
    assert [r["status"] for r in results] == ["published", "published", "rejected", "rejected", "rejected",
                                              "rejected", "rejected", "published", "rejected"]
    assert [r.get("code") for r in results] == [None, None, "INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT",
                                                "INVALID_INPUT", "DUPLICATE_IN_BATCH", "NO_DIGITAL_USER",
                                                "DIGEST_DO_NOT_MATCH"]
    assert "missing.pdf" in results[5]["message"] and "repeats line 1" in results[6]["message"]
    assert state["status"] == "COMPLETED" and state["accepted"] == 3 and state["rejected"] == 6
    assert state["rejectedByCode"] == {"INVALID_INPUT": 4, "DUPLICATE_IN_BATCH": 1, "DIGEST_DO_NOT_MATCH": 1}
    assert summary(stack, "campaign-1")["totalLines"] == 9
    inbox = api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()
    assert [m["messageId"] for m in inbox["items"]] == [results[0]["messageId"]]
    href = inbox["items"][0]["attachments"]["items"][0]["contentHref"]
    assert api.get(enterprise_token, href).body == PDF


def test_a_refused_line_has_its_signed_submission_rejection(stack, bulk, api, sender_token):
    drop(stack, "rejections", archive([line_for(INACTIVE)]))
    drain(stack, bulk, "rejections")
    [result] = report(stack, "rejections")
    message_id = result["evidenceId"].rsplit("-", 1)[0]
    records = api.get(sender_token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences").json()["items"]
    assert [r["event"] for r in records] == ["SubmissionRejection"]


def test_dropping_the_same_batch_again_publishes_nothing_twice(stack, bulk, api, enterprise_token):
    data = archive([line_for(), line_for(subject={"fr": "Deuxième avis"})])
    drop(stack, "again", data)
    drain(stack, bulk, "again")
    first = report(stack, "again")
    drop(stack, "again", data)
    drops_handled(stack, "again", 2)
    state = drain(stack, bulk, "again", until=("COMPLETED",))
    again = report(stack, "again")
    assert [r["messageId"] for r in again] == [r["messageId"] for r in first]
    assert all(r.get("alreadyPublished") for r in again) and state["alreadyPublished"] == 2
    # The e-Box's counters follow the messages table's stream (the outbox): a moment later on LocalStack.
    def inbox_of_two() -> dict | None:
        inbox = api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()
        return inbox if inbox.get("totalItems") == 2 else None

    inbox = eventually(inbox_of_two, timeout=SETTLE_SECONDS, interval=0.05)
    assert inbox and len(inbox["items"]) == 2
    # So do the statistics' publications: each line counted once, the batch dropped twice.
    def documents() -> int:
        return sum(c.counts.get("published", 0) for c in stack.services.statistics.counters("YEAR#"))

    assert eventually(lambda: documents() == 2, timeout=SETTLE_SECONDS, interval=0.05), documents()


def test_a_manifest_naming_another_sender_is_refused_whole(stack, bulk):
    drop(stack, "foreign", archive([line_for(), line_for(sender={"eboxType": "enterprise",
                                                                 "enterpriseNumber": OTHER})]))
    state = drain(stack, bulk, "foreign")
    assert state["status"] == "REFUSED" and state["code"] == "INVALID_SENDER"
    assert "line 2" in summary(stack, "foreign")["message"]


@pytest.mark.parametrize("data, fragment", [
    (b"not a zip at all", "not a ZIP"),
    (archive([line_for()], {"../evil.pdf": PDF}), "parent path"),
    (archive([line_for()], {"documents/bomb.pdf": b"\0" * 5_000_000}, compression=8), "inflates more than"),
    (archive([]), "no lines"),
])
def test_unusable_archives_are_refused_whole_with_a_clear_message(stack, bulk, data, fragment):
    drop(stack, "broken", data)
    state = drain(stack, bulk, "broken")
    assert state["status"] == "REFUSED" and state["code"] == "INVALID_INPUT" and fragment in state["message"]


def test_a_dry_run_validates_every_line_and_publishes_none(stack, bulk, api, enterprise_token):
    drop(stack, "rehearsal", archive([line_for(), line_for(INACTIVE)], settings={"dryRun": True}))
    state = drain(stack, bulk, "rehearsal")
    assert [r["status"] for r in report(stack, "rehearsal")] == ["valid", "rejected"]
    assert state["dryRun"] is True
    assert api.get(enterprise_token, "/messageRegistry/v2/ebox/messages").json()["items"] == []


def test_a_single_message_package_of_the_first_format_is_a_batch_of_one(stack, bulk):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("messageToPublish.json", json.dumps(line_for(document="avis.pdf")))
        out.writestr("avis.pdf", PDF)
    drop(stack, "legacy", buffer.getvalue())
    drain(stack, bulk, "legacy")
    [result] = report(stack, "legacy")
    assert result["status"] == "published" and result["messageId"]


def in_seconds(seconds):
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_scheduled_batch_waits_for_its_time_then_publishes(stack, bulk):
    send_at = in_seconds(10)  # room for a loaded machine to handle the drop before its time
    drop(stack, "soon", archive([line_for()], settings={"sendAt": send_at}))
    state = drain(stack, bulk, "soon")  # SCHEDULED on the way (seen by the cancellation test, a month ahead)
    assert state["status"] == "COMPLETED" and state["sendAt"] == send_at
    started, received = (datetime.fromisoformat(state[k]) for k in ("startedAt", "receivedAt"))
    # not before its time (the Wait state and the ledger count whole seconds)
    assert started >= datetime.fromisoformat(send_at) - timedelta(seconds=1) and started >= received
    assert report(stack, "soon")[0]["status"] == "published"


def test_a_schedule_beyond_a_year_is_refused(stack, bulk):
    drop(stack, "too-late", archive([line_for()], settings={"sendAt": "2099-01-01T08:00:00Z"}))
    state = drain(stack, bulk, "too-late")
    assert state["status"] == "REFUSED" and "at most 364 days ahead" in state["message"]


def waiting_for_send_at(stack, bulk, batch_id):
    """The batch is scheduled and its execution has reached the wait for `sendAt` (LocalStack's Step
    Functions does not stop an execution told to stop while a task runs: it goes on into the wait)."""
    sfn = stack.services.client("stepfunctions")

    def waiting() -> bool:
        execution = batch_state(bulk, batch_id).get("execution")
        if batch_state(bulk, batch_id).get("status") != "SCHEDULED" or not execution:
            return False
        events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
        return any(e["type"] == "WaitStateEntered" for e in events)

    assert eventually(waiting, timeout=SETTLE_SECONDS, interval=0.05), (
        f"batch {batch_id} never waited for its sendAt: {batch_state(bulk, batch_id)}")


def test_a_scheduled_batch_can_be_cancelled_before_its_time(stack, bulk, api, sender_token):
    send_at = in_seconds(30 * 24 * 3600)
    drop(stack, "later", archive([line_for()], settings={"sendAt": send_at}))
    waiting_for_send_at(stack, bulk, "later")
    seen = api.get(sender_token, "/bulk/v1/batches/later").json()
    assert seen["status"] == "SCHEDULED" and seen["sendAt"] == send_at
    answer = api.call("DELETE", "/bulk/v1/batches/later", headers={"Authorization": f"Bearer {sender_token}"})
    assert answer.status == 200 and answer.json()["status"] == "CANCELLED"
    again = api.call("DELETE", "/bulk/v1/batches/later", headers={"Authorization": f"Bearer {sender_token}"})
    assert again.status == 409 and again.json()["code"] == "BATCH_CLOSED"
    assert summary(stack, "later")["status"] == "CANCELLED"


def test_bulk_evidence_verifies_against_the_published_keys_and_its_key_is_endorsed_by_kms(
        stack, bulk, api, sender_token, tmp_path):
    import jwt
    from ebox_cli.evidence_check import verify_records

    drop(stack, "signed", archive([line_for(), line_for(OTHER)]))
    drain(stack, bulk, "signed")
    message_id = report(stack, "signed")[0]["messageId"]
    answer = api.get(sender_token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences").json()
    records = answer["items"]
    jwks = api.get(sender_token, "/evidence/keys").json()
    document = tmp_path / "avis.pdf"
    document.write_bytes(PDF)
    verdict = verify_records([r["jws"] for r in records], jwks, [document], head=answer["head"])
    assert verdict.problems == [] and all(ok for _, _, ok, _ in verdict.rows)
    kms_key, *bulk_keys = jwks["keys"]
    used = jwt.get_unverified_header(records[0]["jws"])["kid"]
    [endorsed] = [k for k in bulk_keys if k["kid"] == used]
    claims = jwt.decode(endorsed["ebox_endorsement"], jwt.PyJWK(kms_key).key, algorithms=["ES256"])
    assert claims["jwk"]["kid"] == used and claims["endorsedBy"] == kms_key["kid"]


def test_documents_stay_inside_the_kept_archive_and_are_served_from_it(stack, bulk, api, enterprise_token):
    data = archive([line_for(subject={"fr": "Un"}), line_for(subject={"fr": "Deux"})], compression=zipfile.ZIP_DEFLATED)
    stack.s3.put_object(Bucket=stack.import_bucket, Key=f"{SENDER}/kept.zip", Body=data,
                        Tagging="ebox-upload=pending")  # the content bucket's lifecycle would expire that
    drain(stack, bulk, "kept")
    published = [r["messageId"] for r in report(stack, "kept")]
    listed = stack.s3.list_objects_v2(Bucket=stack.content_bucket, Prefix=f"archives/{SENDER}/kept/")
    [kept] = listed.get("Contents", [])  # one copy of the archive for the run, no object per message
    assert stack.s3.get_object_tagging(Bucket=stack.content_bucket, Key=kept["Key"])["TagSet"] == []
    for message_id in published:
        assert stack.s3.list_objects_v2(Bucket=stack.content_bucket, Prefix=f"messages/{message_id}/")["KeyCount"] == 0
        message = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()
        answer = api.get(enterprise_token, message["attachments"]["items"][0]["contentHref"])
        assert answer.body == PDF  # inflated out of the archive's byte range, its SHA-256 checked


def test_a_bulk_line_is_placed_by_the_recipients_routing_rules(stack, bulk, api):
    drop(stack, "tax", archive([line_for(messageTypeId="demo-tax", subject={"fr": "Décompte de régularisation"})]))
    drain(stack, bulk, "tax")
    [published] = report(stack, "tax")
    bruno = api.token("user-bruno", "demo-secret")  # ACCOUNTING only
    found = api.get(bruno, "/messageRegistry/v2/ebox/messages", {"q": "decompte"}).json()["items"]
    assert [(m["messageId"], m["partition"]) for m in found] == [(published["messageId"], "ACCOUNTING")]


def test_a_drop_while_the_batch_runs_is_refused_and_the_run_goes_on(stack, bulk):
    drop(stack, "busy", archive([line_for()]))
    eventually(lambda: batch_state(bulk, "busy").get("status") == "RUNNING", timeout=SETTLE_SECONDS, interval=0.05)
    first_run = batch_state(bulk, "busy")["run"]
    drop(stack, "busy", archive([line_for(), line_for(OTHER)]))
    drops_handled(stack, "busy", 2)  # the second drop is decided while the first run waits for its worker
    state = drain(stack, bulk, "busy")
    assert state["run"] == first_run and state["totalLines"] == 1 and state["accepted"] == 1


def test_the_sender_can_subscribe_to_the_completion_event(stack, bulk):
    events = stack.services.client("events")
    queue = stack.sqs.create_queue(QueueName="sender-subscription")["QueueUrl"]
    arn = stack.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = stack.environment["EBOX_EVENT_BUS"]
    events.put_rule(Name="my-batches", EventBusName=bus,
                    EventPattern=json.dumps({"source": ["ebox.bulk-import"], "detail": {"sender": [SENDER]}}))
    events.put_targets(Rule="my-batches", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    drop(stack, "subscribed", archive([line_for(), "nope"]))
    drain(stack, bulk, "subscribed")
    [message] = stack.sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    event = json.loads(message["Body"])
    assert event["detail-type"] == "BulkImportCompleted"
    assert {k: event["detail"][k] for k in ("batchId", "status", "accepted", "rejected")} == {
        "batchId": "subscribed", "status": "COMPLETED", "accepted": 1, "rejected": 1}
