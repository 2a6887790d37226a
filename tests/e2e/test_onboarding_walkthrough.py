"""The walks of docs/onboarding.md and docs/callbacks.md on the local stack `make run` starts, with the
`ebox` CLI: an institution accepts the terms and asks to become a sender, the operator approves, the new
sender registers a callback endpoint and publishes, the recipient reads, the stack's own queue and
send_callbacks function call the sender back (signed, verified by the receiver), then a suspension stops
the sender's publications."""

from __future__ import annotations

import json
import random
import uuid

import pytest
import requests

from tests.callback_receiver import running_receiver
from tests.e2e.demo_cli import BAKERY

pytestmark = pytest.mark.e2e
OPERATOR = ["--client-id", "ops-admin", "--client-secret", "demo-secret"]
NAMES = {"fr": "Ville de Test", "nl": "Stad Test", "de": "Stadt Test"}


def new_enterprise_number() -> str:
    """A well-formed BCE number no other test uses (the stack is shared by the session's tests)."""
    base = random.randrange(2_000_000, 9_999_999)
    return f"0{base:07d}{97 - base % 97:02d}"


def test_an_institution_becomes_a_sender_is_called_back_then_suspended(ebox, base_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `ebox read` saves the documents here
    tag, organization = uuid.uuid4().hex[:8], new_enterprise_number()
    message_type, application = f"tax-{tag}", f"taxes-{tag}"
    request = tmp_path / "request.json"
    request.write_text(json.dumps({
        "organization": {"enterpriseNumber": organization, "name": NAMES},
        "contact": {"name": "Claire Dubois", "email": "claire@test.example"},
        "messageTypes": [{"messageTypeId": message_type, "name": NAMES, "validity": {"number": 1, "unit": "year"},
                          "audience": "enterprises"}],
        "applications": [{"applicationId": application, "name": NAMES, "messageTypeIds": [message_type],
                          "levels": ["simple"]}]}))

    asked = ebox.json("admin", "request", str(request), "--accept-terms")
    assert asked["status"] == "PENDING" and asked["termsOfUse"]["evidence"]
    pending = ebox.json("admin", "list", "--status", "PENDING", *OPERATOR)["items"]
    assert asked["requestId"] in [r["requestId"] for r in pending]
    approved = ebox.json("admin", "approve", asked["requestId"], *OPERATOR)
    sender = ["--client-id", approved["clientId"], "--client-secret", approved["clientSecret"]]

    keys = requests.get(f"{base_url}/.well-known/ebox-callback-keys", timeout=10).json()
    with running_receiver(lambda: keys) as receiver:
        endpoint = ebox.json("callbacks", "set", application, "--url", receiver.url, "--event", "message.read",
                             *sender)
        assert endpoint["status"] == "VERIFIED", endpoint
        publish = ["publish", "--to", "0852093431", "--subject", f"Taxe {tag}", "--body", "Voir le détail.",
                   "--type", message_type, "--app", application, "--sender", organization]
        message_id = ebox.json(*publish, *sender)["messageId"]
        ebox.json("read", message_id, *BAKERY)
        [callback] = receiver.wait_for(1, timeout=120)  # the stack's poller and send_callbacks, asynchronously
        assert callback["type"] == "be.ebox.message.read" and callback["subject"] == message_id
    delivered = ebox.json("callbacks", "deliveries", *sender)["items"]
    assert [d["status"] for d in delivered] == ["DELIVERED"]

    ebox.ok("admin", "suspend", organization, "--reason", "end of the walk", *OPERATOR)
    refused = ebox.run(*publish, *sender)
    assert refused.exit_code == 1 and "INVALID_SENDER" in refused.output
