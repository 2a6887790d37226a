"""End to end over HTTP, like a sender's integrator and an enterprise's clerk would use it."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
import requests
from ebox_local.template import ACCOUNT_ID  # moto's default account; LocalStack reads a 12-digit key as one
from typer.testing import CliRunner

from tests.apigw import PDF, publication
from tests.waiting import eventually

pytestmark = pytest.mark.e2e
EBOX = "/messageRegistry/v2/ebox"


def token(base_url: str, client_id: str, secret: str) -> str:
    answer = requests.post(f"{base_url}/oauth/token", data={"grant_type": "client_credentials",
                                                              "client_id": client_id, "client_secret": secret},
                           timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def test_health_is_ready(base_url):
    assert requests.get(f"{base_url}/health", timeout=10).status_code == 200


def test_publish_with_curl_like_multipart_then_consult(base_url):
    from tests.apigw import BOUNDARY

    sender = token(base_url, "demo-sender", "demo-sender-secret")
    answer = requests.post(f"{base_url}/messageRegistry/v3/ebox/messages/", data=publication(),
                           headers={"Authorization": f"Bearer {sender}",
                                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, timeout=30)
    assert answer.status_code == 201, answer.text
    message_id = answer.json()["messageId"]

    clerk = {"Authorization": f"Bearer {token(base_url, 'ent-0852093431', 'demo-secret')}"}
    inbox = requests.get(f"{base_url}{EBOX}/messages", headers=clerk, timeout=30).json()
    assert message_id in [m["messageId"] for m in inbox["items"]]
    message = requests.get(f"{base_url}{EBOX}/messages/{message_id}", headers=clerk, timeout=30).json()
    href = message["attachments"]["items"][0]["contentHref"]
    content = requests.get(f"{base_url}{href}", headers=clerk, timeout=30)
    assert content.status_code == 200 and content.content == PDF

    other = {"Authorization": f"Bearer {token(base_url, 'ent-0403019261', 'demo-secret')}"}
    assert requests.get(f"{base_url}{EBOX}/messages/{message_id}", headers=other, timeout=30).status_code == 404


def test_the_recipient_is_emailed_by_the_notify_lambda(base_url):
    sender = token(base_url, "demo-sender", "demo-sender-secret")
    from tests.apigw import BOUNDARY

    subject = f"Rappel {time.time_ns()}"
    answer = requests.post(f"{base_url}/messageRegistry/v3/ebox/messages", data=publication(subject={"fr": subject}),
                           headers={"Authorization": f"Bearer {sender}",
                                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, timeout=30)
    assert answer.status_code == 201

    def mailed():
        mails = requests.get(f"{base_url}/local/mail", timeout=10).json()
        return [m for m in mails if subject in str(m)]

    found = eventually(mailed)
    assert len(found) == 1
    assert "office@demo-bakery.example" in str(found[0])


def test_cli_publish_then_inbox_and_read(base_url, tmp_path, monkeypatch):
    from ebox_cli.commands import app as cli

    document = tmp_path / "avis-2026.pdf"
    document.write_bytes(PDF)
    runner = CliRunner()
    monkeypatch.setenv("EBOX_API_URL", base_url)
    published = runner.invoke(cli, ["publish", "--to", "0852093431", "--subject", "Avis CLI", str(document),
                                    "--client-id", "demo-sender", "--client-secret", "demo-sender-secret", "--json"])
    assert published.exit_code == 0, published.output
    import json

    message_id = json.loads(published.stdout)["messageId"]
    creds = ["--client-id", "ent-0852093431", "--client-secret", "demo-secret"]
    inbox = runner.invoke(cli, ["inbox", *creds])
    assert inbox.exit_code == 0 and "Avis CLI" in inbox.output
    saved = tmp_path / "saved"
    read = runner.invoke(cli, ["read", message_id, "--save-dir", str(saved), *creds])
    assert read.exit_code == 0, read.output
    assert hashlib.sha256((saved / "avis-2026.pdf").read_bytes()).digest() == hashlib.sha256(PDF).digest()


def test_a_single_message_package_of_the_first_drop_format_is_still_published(base_url, local_stack):
    import io
    import json
    import zipfile

    import boto3

    from tests.fakes import b64url_sha256, message_json

    meta = message_json(subject={"nl": f"Pakket {time.time_ns()}"},
                        attachments=[{"httpPartName": "avis.pdf", "isMainContent": True,
                                      "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(PDF)}}])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("messageToPublish.json", json.dumps(meta))
        archive.writestr("avis.pdf", PDF)
    s3 = boto3.client("s3", endpoint_url=local_stack.aws_endpoint_url, region_name="eu-west-1",
                      aws_access_key_id=ACCOUNT_ID, aws_secret_access_key="testing")
    import_bucket = requests.get(f"{base_url}/health", timeout=10).json()["resources"]["ImportBucket"]
    s3.put_object(Bucket=import_bucket, Key="0406798006/avis-legacy.zip", Body=buffer.getvalue())
    clerk = {"Authorization": f"Bearer {token(base_url, 'ent-0852093431', 'demo-secret')}"}

    def arrived():
        items = requests.get(f"{base_url}{EBOX}/messages", headers=clerk, timeout=30).json()["items"]
        return [m for m in items if m["subject"] == meta["subject"]]

    assert eventually(arrived, timeout=30)


def test_cli_reports_api_errors_and_an_unreachable_api_without_a_traceback(base_url):
    from ebox_cli.commands import app as cli

    runner = CliRunner()
    wrong = runner.invoke(cli, ["inbox", "--api", base_url, "--client-id", "ent-0852093431",
                                "--client-secret", "wrong"])
    assert wrong.exit_code == 1
    assert "invalid_client" in wrong.output and "Traceback" not in wrong.output
    refused = runner.invoke(cli, ["inbox", "--api", "http://127.0.0.1:9", "--client-id", "x", "--client-secret", "y"])
    assert refused.exit_code == 1
    assert "make run" in refused.output


def test_cli_refuses_to_publish_to_an_unregistered_enterprise(base_url, tmp_path):
    from ebox_cli.commands import app as cli

    document = tmp_path / "avis.pdf"
    document.write_bytes(PDF)
    result = CliRunner().invoke(cli, ["publish", "--api", base_url, "--to", "0477700056", "--subject", "x",
                                      str(document), "--client-id", "demo-sender",
                                      "--client-secret", "demo-sender-secret"])
    assert result.exit_code == 1
    assert "INVALID_INPUT" in result.output and "0477700056" in result.output


def test_cli_verifies_evidence_and_says_what_does_not_hold(base_url, tmp_path, monkeypatch):
    import json

    from ebox_cli.commands import app as cli

    monkeypatch.setenv("EBOX_API_URL", base_url)
    monkeypatch.setenv("COLUMNS", "250")  # one table row per line, whatever the terminal
    document = tmp_path / "avis.pdf"
    document.write_bytes(PDF)
    sender = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]
    runner = CliRunner()
    published = runner.invoke(cli, ["publish", "--to", "0852093431", "--subject", "Preuve", str(document),
                                    "--json", *sender])
    message_id = json.loads(published.stdout)["messageId"]

    good = runner.invoke(cli, ["evidence", "verify", message_id, "--document", str(document), *sender])
    assert good.exit_code == 0, good.output
    assert "SubmissionAcceptance" in good.output and "all 2 records" in good.output

    token = requests.post(f"{base_url}/oauth/token", data={"grant_type": "client_credentials",
                                                          "client_id": "demo-sender",
                                                          "client_secret": "demo-sender-secret"}).json()
    saved = requests.get(f"{base_url}/messageRegistry/v3/ebox/messages/{message_id}/evidences",
                         headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=30).json()
    dropped = tmp_path / "dropped.json"
    dropped.write_text(json.dumps({"items": saved["items"][1:]}))
    missing = runner.invoke(cli, ["evidence", "verify", str(dropped), *sender])
    assert missing.exit_code == 1 and "chain at record 1" in missing.output

    head, payload, signature = saved["items"][0]["jws"].split(".")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"items": [{"jws": f"{head}.{payload[:-4]}AAAA.{signature}"},
                                            saved["items"][1]]}))
    tampered = runner.invoke(cli, ["evidence", "verify", str(forged), *sender])
    assert tampered.exit_code == 1 and "signature does not hold" in tampered.output

    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.7 another document")
    wrong_document = runner.invoke(cli, ["evidence", "verify", message_id, "--document", str(other), *sender])
    assert wrong_document.exit_code == 1 and "in no evidence record" in wrong_document.output


def test_archived_evidence_carries_a_time_stamp_that_openssl_verifies(base_url, local_stack, tmp_path):
    import shutil
    import subprocess

    import boto3

    from tests.apigw import BOUNDARY

    sender = token(base_url, "demo-sender", "demo-sender-secret")
    answer = requests.post(f"{base_url}/messageRegistry/v3/ebox/messages", data=publication(),
                           headers={"Authorization": f"Bearer {sender}",
                                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}, timeout=30)
    message_id = answer.json()["messageId"]

    def archived():
        evidences = requests.get(f"{base_url}/messageRegistry/v3/ebox/messages/{message_id}/evidences",
                                 headers={"Authorization": f"Bearer {sender}"}, timeout=30).json()
        items = evidences["items"]
        return items if all("timeStampToken" in i.get("archive", {}) for i in items) else None

    items = eventually(archived, timeout=30)
    assert items, "the evidence archive (the stream's consumer) time-stamps each batch within seconds"
    archive = items[0]["archive"]
    assert archive["object"].startswith("evidence/batches/")
    s3 = boto3.client("s3", endpoint_url=local_stack.aws_endpoint_url, region_name="eu-west-1",
                      aws_access_key_id=ACCOUNT_ID, aws_secret_access_key="testing")
    bucket = requests.get(f"{base_url}/health", timeout=10).json()["resources"]["EvidenceBucket"]
    lines = s3.get_object(Bucket=bucket, Key=archive["object"])["Body"].read().decode().splitlines()
    assert lines[archive["line"] - 1] == items[0]["jws"]  # the record itself, in the Object Lock object
    digests = [base64.urlsafe_b64encode(hashlib.sha256(line.encode()).digest()).rstrip(b"=").decode()
               for line in lines]
    assert digests == archive["digests"]  # what the API serves is the object's own digest list
    stamped = "".join(f"{d}\n" for d in digests)
    (tmp_path / "digests.txt").write_text(stamped)
    (tmp_path / "token.der").write_bytes(s3.get_object(Bucket=bucket, Key=archive["object"] + ".tsr")["Body"].read())
    (tmp_path / "tsa.pem").write_bytes(requests.get(f"{base_url}/local/tsa/certificate", timeout=10).content)
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to check time stamps as a third party would"
    verified = subprocess.run([openssl, "ts", "-verify", "-token_in", "-in", "token.der", "-data", "digests.txt",
                               "-CAfile", "tsa.pem"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert verified.returncode == 0 and "Verification: OK" in verified.stdout, verified.stderr


def test_the_deployment_smoke_test_passes_against_the_running_stack(base_url):
    """The same check `make deploy-local` runs after deploying on LocalStack."""
    from ebox_local.smoke import run_smoke_test

    said = []
    run_smoke_test(base_url, said.append)
    assert said[-1].startswith("smoke: signed evidence") and "SubmissionAcceptance" in said[-1]
