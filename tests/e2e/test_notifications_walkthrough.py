"""The walk of docs/notifications.md, on the local stack `make run` starts, with the `ebox` CLI: a person
per message, another in a daily digest, then the reminder 15 days later and the alert before expiry,
the scheduled jobs fired on demand as on those days."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from tests.e2e.demo_cli import ANNA, BRUNO, SENDER
from tests.waiting import eventually

pytestmark = pytest.mark.e2e


def test_preferences_digest_reminder_and_expiry_alert(ebox, notice_pdf):
    run = ebox.ok

    def mails(address: str, text: str) -> list[dict]:
        return [m for m in ebox.json("mail") if address in m["destinations"] and text in m["body"]]

    tag = uuid.uuid4().hex[:8]
    try:
        run("notifications", "set", "--mode", "per-message", "--email", "bruno@bakery.example", *BRUNO)
        run("notifications", "set", "--mode", "daily-digest", "--email", "anna@bakery.example", "--lang", "fr",
            *ANNA)
        assert ebox.json("notifications", "show", "90020199734", *ANNA)["mode"] == "PER_MESSAGE"
        published = ebox.json("publish", "--to", "0852093431", "--type", "demo-tax", "--subject",
                              f"Avertissement {tag}", str(notice_pdf), *SENDER)
        message_id = published["messageId"]
        assert len(eventually(lambda: mails("bruno@bakery.example", message_id))) == 1
        assert mails("anna@bakery.example", message_id) == []

        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        fired = ebox.json("notifications", "run-schedules", "--today", tomorrow)
        assert {f["input"]["job"] for f in fired} == {"digest", "reminders"} and all("result" in f for f in fired)
        [digest] = mails("anna@bakery.example", message_id)
        assert "Vos nouveaux documents" in digest["body"]

        run("notifications", "run-schedules", "--in-days", "15")
        run("notifications", "run-schedules", "--in-days", "15")  # again: nothing twice
        assert len(mails("bruno@bakery.example", message_id)) == 2  # the new document, then one reminder
        assert len(mails("anna@bakery.example", message_id)) == 2  # the digest, then one reminder

        expiry = date.fromisoformat(published["expirationDate"][:10])
        run("notifications", "run-schedules", "--today", (expiry - timedelta(days=7)).isoformat())
        in_7_days = ("7 jours", "7 dagen", "7 Tagen")  # the subject is in the person's language(s)
        [alert] = [m for m in mails("bruno@bakery.example", message_id)
                   if any(words in m["subject"] for words in in_7_days)]
        assert message_id in alert["body"]
    finally:
        run("notifications", "clear", *BRUNO)
        run("notifications", "clear", *ANNA)
