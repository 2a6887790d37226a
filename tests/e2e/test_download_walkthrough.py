"""The README's bulk download, on the local stack `make run` starts, with the `ebox` CLI: the job runs in
the build function (its SQS mapping), the package comes from the downloads bucket's pre-signed URL."""

from __future__ import annotations

import json
import uuid
import zipfile

import pytest
from typer.testing import CliRunner

from tests.apigw import PDF

pytestmark = pytest.mark.e2e
SENDER = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]
ANNA = ["--client-id", "user-anna", "--client-secret", "demo-secret"]
BRUNO = ["--client-id", "user-bruno", "--client-secret", "demo-secret"]
OTHER = ["--client-id", "ent-0403019261", "--client-secret", "demo-secret"]


def test_a_person_downloads_the_messages_they_may_see_as_one_verified_package(base_url, tmp_path, monkeypatch):
    from ebox_cli.commands import app as cli

    monkeypatch.setenv("EBOX_API_URL", base_url)
    runner = CliRunner()
    document = tmp_path / "notice.pdf"
    document.write_bytes(PDF)
    tag = uuid.uuid4().hex[:8]

    def publish(*options: str) -> str:
        answer = runner.invoke(cli, ["publish", "--to", "0852093431", *options, str(document), *SENDER, "--json"])
        assert answer.exit_code == 0, answer.output
        return str(json.loads(answer.stdout)["messageId"])

    def download(*arguments: str, target: str = "package.zip") -> tuple[int, str, dict]:
        answer = runner.invoke(cli, ["download", *arguments, "-o", str(tmp_path / target), "--json"])
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
    assert download(tax, *OTHER, target="other.zip")[0] == 1  # another enterprise
