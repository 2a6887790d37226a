"""The README's walk through partitions, on the local stack `make run` starts, with the `ebox` CLI."""

from __future__ import annotations

import json
import uuid

import pytest
from typer.testing import CliRunner

from tests.apigw import PDF

pytestmark = pytest.mark.e2e
SENDER = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]
ANNA = ["--client-id", "user-anna", "--client-secret", "demo-secret"]
BRUNO = ["--client-id", "user-bruno", "--client-secret", "demo-secret"]


def test_people_see_their_partitions_and_search_them(base_url, tmp_path, monkeypatch):
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

    def inbox(*options: str, search: str = tag) -> list[tuple[str, str]]:
        answer = runner.invoke(cli, ["inbox", "--search", search, *options, "--json"])
        assert answer.exit_code == 0, answer.output
        return [(m["messageId"], m["partition"]) for m in json.loads(answer.stdout)["items"]]

    tax = publish("--type", "demo-tax", "--subject", f"Avertissement-extrait de rôle {tag}")
    staff = publish("--app", "demo-basic", "--subject", f"Attestation de personnel {tag}")
    general = publish("--subject", f"Société Générale {tag}")

    assert inbox(*BRUNO) == [(tax, "ACCOUNTING")]
    assert inbox(*ANNA) == [(general, "GENERAL"), (staff, "HR"), (tax, "ACCOUNTING")]
    assert inbox("--partition", "HR", "--unread", *ANNA) == [(staff, "HR")]
    assert [m for m, _ in inbox(*ANNA, search=f"SOCIETE generale {tag}")] == [general]
    listed = runner.invoke(cli, ["partitions", "list", *BRUNO, "--json"])
    assert [p["partitionId"] for p in json.loads(listed.stdout)["items"]] == ["ACCOUNTING"]
    refused = runner.invoke(cli, ["partitions", "users", *BRUNO])
    assert refused.exit_code == 1 and "administrator" in refused.output
