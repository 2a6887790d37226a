"""The walk through partitions of docs/inbox-and-partitions.md, on the local stack `make run` starts,
with the `ebox` CLI."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.demo_cli import ANNA, BRUNO, SENDER

pytestmark = pytest.mark.e2e


def test_people_see_their_partitions_and_search_them(ebox, notice_pdf):
    tag = uuid.uuid4().hex[:8]

    def publish(*options: str) -> str:
        return str(ebox.json("publish", "--to", "0852093431", *options, str(notice_pdf), *SENDER)["messageId"])

    def inbox(*options: str, search: str = tag) -> list[tuple[str, str]]:
        return [(m["messageId"], m["partition"]) for m in ebox.json("inbox", "--search", search, *options)["items"]]

    tax = publish("--type", "demo-tax", "--subject", f"Avertissement-extrait de rôle {tag}")
    staff = publish("--app", "demo-basic", "--subject", f"Attestation de personnel {tag}")
    general = publish("--subject", f"Société Générale {tag}")

    assert inbox(*BRUNO) == [(tax, "ACCOUNTING")]
    assert inbox(*ANNA) == [(general, "GENERAL"), (staff, "HR"), (tax, "ACCOUNTING")]
    assert inbox("--partition", "HR", "--unread", *ANNA) == [(staff, "HR")]
    assert [m for m, _ in inbox(*ANNA, search=f"SOCIETE generale {tag}")] == [general]
    assert [p["partitionId"] for p in ebox.json("partitions", "list", *BRUNO)["items"]] == ["ACCOUNTING"]
    refused = ebox.run("partitions", "users", *BRUNO)
    assert refused.exit_code == 1 and "administrator" in refused.output
