"""`ebox download`: what it asks the API for, how it follows the job, and that it keeps a package only
once every entry matches the manifest (and the package its announced SHA-256)."""

from __future__ import annotations

import json
import zipfile

import pytest
from ebox_cli import bulk_download

from tests.cli.conftest import CLERK, Run
from tests.cli.fake_api import FakeApi

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"


@pytest.fixture(autouse=True)
def _quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_download, "POLL_SECONDS", 0.01)


@pytest.fixture
def inbox(api: FakeApi) -> FakeApi:
    api.add_message("m-1", subject={"fr": "Avis 1"}, documents={"avis-1.pdf": b"%PDF-1.7 one"})
    api.add_message("m-2", subject={"fr": "Avis 2"}, documents={"avis-2.pdf": b"%PDF-1.7 two",
                                                                 "annexe.pdf": b"%PDF-1.7 annex"})
    return api


def test_ids_are_packaged_followed_downloaded_and_verified(run: Run, inbox: FakeApi, tmp_path):
    target = tmp_path / "package.zip"
    result = run("download", "m-1", "m-2", "-o", str(target), *CLERK)
    assert result.exit_code == 0, result.output
    (asked,) = inbox.calls("POST", DOWNLOADS)
    assert json.loads(asked.body) == {"messageIds": ["m-1", "m-2"]}
    assert inbox.downloads.polls >= 2  # RUNNING, then READY
    with zipfile.ZipFile(target) as archive:
        assert archive.read("m-2/documents/att2-doc.pdf") == b"%PDF-1.7 annex"
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│")}
    assert "2" in rows["messages"] and "3" in rows["documents"]
    assert "5 entries match the manifest's SHA-256" in rows["verified"]
    assert not (tmp_path / "package.zip.part").exists()
    fetched = inbox.calls("GET", "/fake-s3/packages/")
    assert fetched and "Authorization" not in fetched[0].headers  # the token never goes to the storage URL


def test_filters_become_the_requests_filter(run: Run, inbox: FakeApi, tmp_path):
    result = run("download", "--unread", "--partition", "ACCOUNTING", "--since", "2026-01-01", "--search", "avis",
                 "-o", str(tmp_path / "p.zip"), *CLERK, "--json")
    assert result.exit_code == 0, result.output
    (asked,) = inbox.calls("POST", DOWNLOADS)
    assert json.loads(asked.body) == {"filter": {"readStatus": "false", "partition": "ACCOUNTING",
                                                 "receivedAfter": "2026-01-01", "q": "avis"}}
    assert json.loads(result.stdout)["job"]["status"] == "READY"


def test_overdue_actions_are_asked_for_as_the_inbox_asks_for_them(run: Run, inbox: FakeApi, tmp_path):
    result = run("download", "--overdue", "-o", str(tmp_path / "p.zip"), *CLERK, "--json")
    assert result.exit_code == 0, result.output
    (asked,) = inbox.calls("POST", DOWNLOADS)
    assert json.loads(asked.body) == {"filter": {"forAction": "true", "overdue": "true"}}


def test_ids_and_filters_together_are_a_usage_error(run: Run, inbox: FakeApi):
    result = run("download", "m-1", "--unread", *CLERK)
    assert result.exit_code == 2 and not inbox.calls("POST", DOWNLOADS)


def test_an_entry_that_does_not_match_the_manifest_is_not_kept(run: Run, inbox: FakeApi, tmp_path):
    inbox.downloads.tamper = True
    target = tmp_path / "package.zip"
    result = run("download", "m-1", "-o", str(target), *CLERK)
    assert result.exit_code == 1
    assert "DIGEST_DO_NOT_MATCH" in result.output and "Nothing was kept" in result.output
    assert not target.exists() and not (tmp_path / "package.zip.part").exists()


def test_a_failed_job_and_a_refused_request_are_reported(run: Run, inbox: FakeApi, tmp_path):
    inbox.downloads.fail_with = "INTERNAL_ERROR"
    failed = run("download", "m-1", "-o", str(tmp_path / "p.zip"), *CLERK)
    assert failed.exit_code == 1 and "INTERNAL_ERROR" in failed.output and "Traceback" not in failed.output
    refused = run("download", "someone-elses", "-o", str(tmp_path / "p.zip"), *CLERK)
    assert refused.exit_code == 1 and "NOT_FOUND" in refused.output
    assert not (tmp_path / "p.zip").exists()


def test_a_job_that_does_not_finish_is_given_up_with_its_id(run: Run, inbox: FakeApi, tmp_path):
    inbox.downloads.stall = True
    result = run("download", "m-1", "--timeout", "1", "-o", str(tmp_path / "p.zip"), *CLERK)
    assert result.exit_code == 1 and "dl-1 is still QUEUED" in " ".join(result.output.split())
    assert not (tmp_path / "p.zip").exists()
