"""The bulk download of docs/downloads.md, on the local stack `make run` starts, with the `ebox` CLI: the job runs in
the build function (its SQS mapping), the package comes from the downloads bucket's pre-signed URL."""

from __future__ import annotations

import json
import uuid
import zipfile

import pytest

from tests.apigw import PDF
from tests.e2e.demo_cli import ANNA, BRUNO, LOGISTICS, SENDER

pytestmark = pytest.mark.e2e


def test_a_person_downloads_the_messages_they_may_see_as_one_verified_package(ebox, notice_pdf, tmp_path):
    tag = uuid.uuid4().hex[:8]

    def publish(*options: str) -> str:
        return str(ebox.json("publish", "--to", "0852093431", *options, str(notice_pdf), *SENDER)["messageId"])

    def download(*arguments: str, target: str = "package.zip") -> tuple[int, str, dict]:
        answer = ebox.run("download", *arguments, "-o", str(tmp_path / target), "--json")
        return answer.exit_code, answer.output, json.loads(answer.stdout) if answer.exit_code == 0 else {}

    tax = publish("--type", "demo-tax", "--subject", f"Avertissement-extrait de rôle {tag}")
    general = publish("--subject", f"Avis général {tag}")

    code, output, result = download("--search", tag, *ANNA, target="anna.zip")
    assert code == 0, output
    assert [m["messageId"] for m in result["messages"]] == [general, tax]
    with zipfile.ZipFile(tmp_path / "anna.zip") as archive:
        names = archive.namelist()
        assert archive.read(next(n for n in names if n.startswith(f"{tax}/documents/"))) == PDF
        evidences = json.loads(archive.read(f"{tax}/evidences.json"))["items"]
        assert [e["event"] for e in evidences][:2] == ["SubmissionAcceptance", "ContentConsignment"]

    code, output, result = download("--search", tag, *BRUNO, target="bruno.zip")  # ACCOUNTING only
    assert code == 0, output
    assert [m["messageId"] for m in result["messages"]] == [tax]

    refused = download(general, *BRUNO, target="refused.zip")
    assert refused[0] == 1 and "NOT_FOUND" in refused[1] and not (tmp_path / "refused.zip").exists()
    assert download(tax, *LOGISTICS, target="other.zip")[0] == 1  # another enterprise
