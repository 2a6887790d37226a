"""Bulk download on moto: the request (ids or a filter) through the API, the job run as its SQS mapping runs
it, the package read back from S3 and checked entry by entry against its manifest; the isolation matrix
(enterprise A/B, person/partition, polling someone else's job) and bad input."""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import zipfile
from urllib.parse import urlsplit

import pytest

from tests.apigw import PDF, publication
from tests.events import sample, sqs_event

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"
UNKNOWN = "0192f3a4-0000-7000-8000-000000000000"


@pytest.fixture
def builder(stack):
    from ebox_local.functions import load_handler

    from tests.conftest import ROOT

    return load_handler(ROOT / "functions" / "build_download", "app.handler")


@pytest.fixture
def anna(api):
    return api.token("user-anna", "demo-secret")  # Demo Bakery: every partition


@pytest.fixture
def bruno(api):
    return api.token("user-bruno", "demo-secret")  # Demo Bakery: ACCOUNTING only


@pytest.fixture
def other_token(api):
    return api.token("ent-0403019261", "demo-secret")  # Demo Logistics


@pytest.fixture
def placed(api, sender_token):
    """One message per partition of Demo Bakery, placed there by its routing rules."""
    def publish(**overrides):
        answer = api.publish(sender_token, publication(**overrides))
        assert answer.status == 201, answer.body
        return answer.json()["messageId"]

    return {"GENERAL": publish(subject={"fr": "Avis général"}),
            "ACCOUNTING": publish(messageTypeId="demo-tax", subject={"fr": "Extrait de rôle"}),
            "HR": publish(senderApplicationId="demo-basic", subject={"fr": "Attestation"})}


def ask(api, token, body):
    return api.call("POST", DOWNLOADS, headers={"Authorization": f"Bearer {token}",
                                                "Content-Type": "application/json"},
                    body=json.dumps(body).encode())


def queued(stack):
    url = stack.environment["EBOX_DOWNLOADS_QUEUE_URL"]
    return stack.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"]


def run_jobs(stack, builder, api, token, download_id):
    """Runs the build function on the queued job, as the SQS mapping does, until the job is done (under
    LocalStack its own mapping may take the message first: the job is built all the same)."""
    url = stack.environment["EBOX_DOWNLOADS_QUEUE_URL"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        messages = stack.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1,
                                             AttributeNames=["All"]).get("Messages", [])
        for m in messages:
            event = sqs_event([m])
            assert builder(event, None) == {"batchItemFailures": []}
            stack.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if api.get(token, f"{DOWNLOADS}/{download_id}").json()["status"] in ("READY", "FAILED"):
            return
    raise AssertionError(f"download {download_id} was not built")


def package(stack, api, token, download_id):
    status = api.get(token, f"{DOWNLOADS}/{download_id}").json()
    assert status["status"] == "READY", status
    bucket, url = stack.environment["EBOX_DOWNLOADS_BUCKET"], urlsplit(status["downloadUrl"])
    key = url.path[1:] if url.netloc.startswith(bucket) else url.path.split("/", 2)[2]  # virtual-host or path style
    data = stack.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert len(data) == status["packageSize"] and hashlib.sha256(data).hexdigest() == status["packageSha256"]
    return status, zipfile.ZipFile(io.BytesIO(data))


def verified_manifest(archive):
    """The manifest, after checking that it lists every other entry with its exact size and SHA-256."""
    manifest = json.loads(archive.read("manifest.json"))
    listed = {e["path"]: e for e in manifest["entries"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, entry in listed.items():
        data = archive.read(path)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"]), path
    return manifest


def test_a_package_holds_every_document_metadata_evidence_and_a_manifest_of_digests(stack, api, enterprise_token,
                                                                                      builder, placed):
    wanted = [placed["GENERAL"], placed["HR"]]
    answer = ask(api, enterprise_token, {"messageIds": wanted})
    assert answer.status == 202, answer.body
    job = answer.json()
    assert job["status"] == "QUEUED" and job["totalMessages"] == 2 and job["totalBytes"] == 2 * len(PDF)
    assert answer.headers["location"] == f"{DOWNLOADS}/{job['downloadId']}"
    run_jobs(stack, builder, api, enterprise_token, job["downloadId"])

    status, archive = package(stack, api, enterprise_token, job["downloadId"])
    assert (status["messagesDone"], status["bytesDone"], status["expiresIn"]) == (2, 2 * len(PDF), 3600)
    manifest = verified_manifest(archive)
    assert [m["messageId"] for m in manifest["messages"]] == wanted
    for message_id in wanted:
        metadata = json.loads(archive.read(f"{message_id}/message.json"))
        now = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()
        assert metadata == dict(now, readStatus=False)  # as packaged, before the package opened it
        attachment = metadata["attachments"]["items"][0]
        document = archive.read(f"{message_id}/documents/{attachment['attachmentId']}-avis.pdf")
        assert document == PDF
        evidences = json.loads(archive.read(f"{message_id}/evidences.json"))
        assert [e["event"] for e in evidences["items"]] == ["SubmissionAcceptance", "ContentConsignment"]
        assert all(e["jws"].count(".") == 2 for e in evidences["items"])
    # the package handed the content over: each message is read, with its signed ContentHandover
    for message_id in wanted:
        assert api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{message_id}").json()["readStatus"]
        chain = api.get(enterprise_token, f"/messageRegistry/v3/ebox/messages/{message_id}/evidences").json()
        assert [e["event"] for e in chain["items"]][-1] == "ContentHandover"


def test_a_filter_selects_like_the_inbox(stack, api, enterprise_token, builder, placed):
    answer = ask(api, enterprise_token, {"filter": {"messageTypeId": "demo-tax"}})
    assert answer.status == 202, answer.body
    run_jobs(stack, builder, api, enterprise_token, answer.json()["downloadId"])
    _, archive = package(stack, api, enterprise_token, answer.json()["downloadId"])
    assert [m["messageId"] for m in verified_manifest(archive)["messages"]] == [placed["ACCOUNTING"]]


def test_a_package_spanning_several_upload_parts_is_whole(stack, api, sender_token, enterprise_token, builder):
    big = [b"%PDF-1.7\n" + os.urandom(3_500_000) for _ in range(3)]  # 10.5 MB: two 8 MiB parts
    ids = []
    for data in big:
        answer = api.publish(sender_token, publication(data))
        assert answer.status == 201, answer.body
        ids.append(answer.json()["messageId"])
    job = ask(api, enterprise_token, {"messageIds": ids}).json()
    run_jobs(stack, builder, api, enterprise_token, job["downloadId"])
    status, archive = package(stack, api, enterprise_token, job["downloadId"])
    assert status["packageSize"] > 8 * 1024 * 1024
    verified_manifest(archive)
    documents = sorted(n for n in archive.namelist() if "/documents/" in n)
    assert sorted(archive.read(n) for n in documents) == sorted(big)


def test_a_document_that_fails_its_digest_fails_the_job(stack, api, enterprise_token, builder, placed):
    metadata = api.get(enterprise_token, f"/messageRegistry/v2/ebox/messages/{placed['GENERAL']}").json()
    key = f"messages/{placed['GENERAL']}/attachments/{metadata['attachments']['items'][0]['attachmentId']}"
    stack.s3.put_object(Bucket=stack.content_bucket, Key=key, Body=b"tampered")
    job = ask(api, enterprise_token, {"messageIds": [placed["GENERAL"]]}).json()
    run_jobs(stack, builder, api, enterprise_token, job["downloadId"])
    status = api.get(enterprise_token, f"{DOWNLOADS}/{job['downloadId']}").json()
    assert (status["status"], status["code"]) == ("FAILED", "INTERNAL_ERROR")
    assert "downloadUrl" not in status


def test_a_job_delivered_twice_keeps_one_package_with_its_own_digest(stack, api, enterprise_token, builder, placed):
    from ebox.wiring import services

    job = ask(api, enterprise_token, {"messageIds": [placed["GENERAL"]]}).json()
    run_jobs(stack, builder, api, enterprise_token, job["downloadId"])
    first, _ = package(stack, api, enterprise_token, job["downloadId"])
    jobs = services().downloads.jobs
    stored = jobs.get("0852093431", job["downloadId"])
    # a late delivery that was building meanwhile: it may neither replace the package nor fail the job
    assert not jobs.finish(stored, key="elsewhere.zip", size=1, sha256="0" * 64, now="2026-11-29T12:00:00Z")
    assert not jobs.fail(stored, code="SERVICE_UNAVAILABLE", message="late", now="2026-11-29T12:00:00Z")
    again = {"Records": [sample("sqs-record", body=json.dumps({"enterpriseNumber": "0852093431",
                                                                "downloadId": job["downloadId"]}))]}
    assert builder(again, None) == {"batchItemFailures": []}  # finished: nothing to do
    second, _ = package(stack, api, enterprise_token, job["downloadId"])
    assert (second["packageSha256"], second["packageSize"]) == (first["packageSha256"], first["packageSize"])


def test_a_hidden_message_is_packaged_when_asked_by_id_and_follows_visible_in_a_filter(stack, api, enterprise_token,
                                                                                          builder, placed):
    hide = api.call("PATCH", "/messageRegistry/v2/ebox/messages", body=json.dumps(
        {"items": [{"messageId": placed["HR"], "visible": False}]}).encode(),
        headers={"Authorization": f"Bearer {enterprise_token}", "Content-Type": "application/json"})
    assert hide.status == 200, hide.body
    by_id = ask(api, enterprise_token, {"messageIds": [placed["HR"]]}).json()
    assert by_id["totalMessages"] == 1
    shown = ask(api, enterprise_token, {"filter": {"visible": "true"}}).json()
    assert shown["totalMessages"] == 2
    run_jobs(stack, builder, api, enterprise_token, by_id["downloadId"])
    _, archive = package(stack, api, enterprise_token, by_id["downloadId"])
    assert json.loads(archive.read(f"{placed['HR']}/message.json"))["visible"] is False


# ---------------------------------------------------------------- isolation

def test_another_enterprises_message_refuses_the_request_and_builds_nothing(stack, api, other_token, placed):
    answer = ask(api, other_token, {"messageIds": [placed["GENERAL"]]})
    missing = ask(api, other_token, {"messageIds": [UNKNOWN]})
    assert answer.status == missing.status == 404
    assert answer.json()["code"] == missing.json()["code"] == "NOT_FOUND"
    assert queued(stack) == "0"


def test_one_foreign_id_among_good_ones_refuses_the_whole_request(stack, api, other_token, sender_token, placed):
    theirs = api.publish(sender_token, publication(recipient={"eboxType": "enterprise",
                                                              "enterpriseNumber": "0403019261"}))
    answer = ask(api, other_token, {"messageIds": [theirs.json()["messageId"], placed["HR"]]})
    assert (answer.status, answer.json()["code"]) == (404, "NOT_FOUND")
    assert placed["HR"] in answer.json()["message"]
    assert queued(stack) == "0"


def test_a_person_cannot_package_a_partition_they_hold_no_rights_on(stack, api, bruno, placed):
    hidden = ask(api, bruno, {"messageIds": [placed["ACCOUNTING"], placed["HR"]]})
    missing = ask(api, bruno, {"messageIds": [placed["ACCOUNTING"], UNKNOWN]})
    assert hidden.status == missing.status == 404
    assert hidden.json()["message"].replace(placed["HR"], "X") == missing.json()["message"].replace(UNKNOWN, "X")
    assert queued(stack) == "0"


def test_a_persons_filter_packages_only_their_partitions(stack, api, bruno, builder, placed):
    job = ask(api, bruno, {"filter": {}}).json()
    assert job["totalMessages"] == 1
    run_jobs(stack, builder, api, bruno, job["downloadId"])
    _, archive = package(stack, api, bruno, job["downloadId"])
    assert {n.split("/")[0] for n in archive.namelist()} == {placed["ACCOUNTING"], "manifest.json"}


def test_a_job_answers_only_its_requester(stack, api, anna, bruno, enterprise_token, other_token, placed):
    job = ask(api, anna, {"messageIds": [placed["ACCOUNTING"]]}).json()
    path = f"{DOWNLOADS}/{job['downloadId']}"
    assert api.get(anna, path).status == 200
    for stranger in (bruno, enterprise_token, other_token):  # another person, the enterprise's client, enterprise B
        answer = api.get(stranger, path)
        assert (answer.status, answer.json()["code"]) == (404, "NOT_FOUND")
    assert api.get(anna, f"{DOWNLOADS}/{UNKNOWN}").status == 404


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("body", "code"), [
    ({"messageIds": []}, "INVALID_INPUT"),
    ({"messageIds": ["a", "a"]}, "INVALID_INPUT"),
    ({"messageIds": [7]}, "INVALID_INPUT"),
    ({"messageIds": ["a"], "filter": {}}, "INVALID_INPUT"),
    ({}, "INVALID_INPUT"),
    ([], "INVALID_INPUT"),
    ({"filter": {"colour": "red"}}, "INVALID_INPUT"),
    ({"filter": {"readStatus": "maybe"}}, "INVALID_INPUT"),
    ({"filter": {"messageTypeId": "no-such-type"}}, "INVALID_INPUT"),  # matches nothing: nothing to download
    ({"messageIds": [f"id-{n}" for n in range(501)]}, "DOWNLOAD_TOO_LARGE"),
])
def test_bad_requests_are_refused_with_a_clear_code(stack, api, enterprise_token, placed, body, code):
    answer = ask(api, enterprise_token, body)
    assert (answer.status, answer.json()["code"]) == (400, code), answer.body
    assert queued(stack) == "0"


def test_a_body_that_is_not_json_and_callers_without_the_scope(api, sender_token, enterprise_token):
    not_json = api.call("POST", DOWNLOADS, headers={"Authorization": f"Bearer {enterprise_token}",
                                                    "Content-Type": "application/json"}, body=b"{nope")
    assert (not_json.status, not_json.json()["code"]) == (400, "INVALID_INPUT")
    assert ask(api, sender_token, {"messageIds": [UNKNOWN]}).status == 403
    assert api.call("POST", DOWNLOADS, headers={"Content-Type": "application/json"},
                    body=b'{"messageIds": ["x"]}').status == 401
