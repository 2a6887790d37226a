"""The walk through replies and messages for action of docs/replies-and-actions.md, on the local stack
`make run` starts, with the `ebox` CLI: the sender asks for a payment and allows replies, the enterprise
finds it overdue, replies with a document and marks it paid, the sender sees both and answers back."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.apigw import PDF
from tests.e2e.demo_cli import BAKERY, ONSS, SENDER
from tests.waiting import eventually

pytestmark = pytest.mark.e2e


def test_a_reply_and_an_action_done_go_back_to_the_sender(ebox, base_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `ebox read` saves the documents here
    document = tmp_path / "preuve.pdf"
    document.write_bytes(PDF)
    tag = uuid.uuid4().hex[:8]

    original = ebox.json("publish", "--to", "0852093431", "--subject", f"Cotisations impayées {tag}", "--body",
                         "Merci de régulariser.", "--allow-replies", "--from-partition", "COLLECTION",
                         "--action", "PAYMENT", "--due", "2026-01-31", *SENDER)["messageId"]
    overdue = ebox.json("inbox", "--overdue", *BAKERY)["items"]
    assert original in [m["messageId"] for m in overdue]

    reply = ebox.json("reply", original, "--subject", f"Paiement effectué {tag}", "--body", "Preuve jointe.",
                      str(document), *BAKERY)["messageId"]
    assert ebox.json("action", "done", original, *BAKERY)["status"] == "DONE"
    assert original not in [m["messageId"] for m in ebox.json("inbox", "--overdue", *BAKERY)["items"]]

    in_onss = ebox.json("inbox", "--partition", "COLLECTION", "--search", tag, *ONSS)["items"]
    assert [(m["messageId"], m["originalMessageId"]) for m in in_onss] == [(reply, original)]
    replies = eventually(lambda: ebox.json("inbox", "--replies-to", original, *ONSS)["items"])  # the outbox links it
    assert [m["messageId"] for m in replies] == [reply]
    read = ebox.json("read", reply, *ONSS)
    assert read["message"]["senderOrganizationId"] == "0852093431" and len(read["saved"]) == 1

    token = ebox.ok("token", *SENDER).strip()
    status = requests.post(f"{base_url}/messageRegistry/v2/searchMessageStatus", timeout=30,
                           headers={"Authorization": f"Bearer {token}"},
                           json=[{"messageId": original, "eboxId": {"eboxType": "enterprise",
                                                                    "eboxIdValue": "0852093431"}}]).json()
    assert status[0]["action"]["status"] == "DONE"

    back = ebox.json("reply", reply, "--subject", f"Bien reçu {tag}", "--body", "Merci.", *ONSS)["messageId"]
    bakery_view = ebox.json("read", back, *BAKERY)["message"]
    assert bakery_view["originalMessageId"] == reply and bakery_view["partition"] == "GENERAL"
