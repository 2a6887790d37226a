"""`ebox bulk` against the running local stack: a clerk's CSV and PDFs become a batch, dropped through
the API's upload URL, followed to its report; a re-drop publishes nothing twice; a schedule is cancelled."""

from __future__ import annotations

import json
import time
import uuid

import requests
from typer.testing import CliRunner

from tests.apigw import PDF
from tests.e2e.demo_cli import SENDER


def clerk_folder(tmp_path):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "avis-a.pdf").write_bytes(PDF)
    (folder / "avis-b.pdf").write_bytes(PDF + b"% B\n")
    rows = tmp_path / "rows.csv"
    rows.write_text("enterpriseNumber,document,subject_fr\n"
                    "0852093431,avis-a.pdf,Avis A\n"
                    "0403019261,avis-b.pdf,Avis B\n"
                    "0428759497,avis-a.pdf,Avis entreprise dissoute\n"
                    "0852093432,avis-b.pdf,Numéro invalide\n", encoding="utf-8")
    return rows, folder


def test_a_clerk_makes_a_batch_uploads_it_and_gets_a_report_per_line(base_url, tmp_path, monkeypatch):
    from ebox_cli.commands import app as cli

    monkeypatch.setenv("EBOX_API_URL", base_url)
    runner = CliRunner()
    rows, folder = clerk_folder(tmp_path)
    batch = tmp_path / f"campagne-{uuid.uuid4().hex[:6]}.zip"
    made = runner.invoke(cli, ["bulk", "make", str(rows), str(folder), "--out", str(batch)])
    assert made.exit_code == 0 and "4 message(s), 2 document(s)" in made.output, made.output
    report = tmp_path / "report.jsonl"
    uploaded = runner.invoke(cli, ["bulk", "upload", str(batch), "--wait", "--results", str(report), *SENDER])
    assert uploaded.exit_code == 0, uploaded.output
    assert "COMPLETED" in uploaded.output and "INVALID_INPUT" in uploaded.output
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(r["line"], r["status"]) for r in lines] == [(1, "published"), (2, "published"), (3, "rejected"),
                                                         (4, "rejected")]
    again = runner.invoke(cli, ["bulk", "upload", str(batch), "--wait", "--json", *SENDER])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["accepted"] == 2 and summary["alreadyPublished"] == 2 and summary["rejected"] == 2


def test_a_scheduled_batch_is_cancelled_from_the_cli(base_url, tmp_path, monkeypatch):
    from ebox_cli.commands import app as cli

    monkeypatch.setenv("EBOX_API_URL", base_url)
    runner = CliRunner()
    rows, folder = clerk_folder(tmp_path)
    batch = tmp_path / f"plus-tard-{uuid.uuid4().hex[:6]}.zip"
    send_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7 * 24 * 3600))
    assert runner.invoke(cli, ["bulk", "make", str(rows), str(folder), "-o", str(batch), "--send-at", send_at]
                         ).exit_code == 0
    scheduled = runner.invoke(cli, ["bulk", "upload", str(batch), "--wait", "--json", *SENDER])
    assert scheduled.exit_code == 0 and json.loads(scheduled.stdout)["status"] == "SCHEDULED", scheduled.output
    cancelled = runner.invoke(cli, ["bulk", "cancel", batch.name.removesuffix(".zip"), *SENDER])
    assert cancelled.exit_code == 0 and "CANCELLED" in cancelled.output
    status = runner.invoke(cli, ["bulk", "status", batch.name.removesuffix(".zip"), "--json", *SENDER])
    assert json.loads(status.stdout)["status"] == "CANCELLED"


def test_another_senders_batch_is_not_found(base_url):
    token = requests.post(f"{base_url}/oauth/token", data={"grant_type": "client_credentials",
                                                           "client_id": "demo-sender",
                                                           "client_secret": "demo-sender-secret"}, timeout=30)
    answer = requests.get(f"{base_url}/bulk/v1/batches/never-dropped", timeout=30,
                          headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"
