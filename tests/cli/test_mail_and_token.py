"""`ebox mail` (the local stack's captured e-mails) and `ebox token`."""

from __future__ import annotations

import json

from tests.cli.conftest import SENDER, Run
from tests.cli.fake_api import FakeApi


def test_mail_shows_every_field_newest_first(run: Run, api: FakeApi):
    api.mail = [
        {"id": "m1", "timestamp": "2026-03-01T09:00:00Z", "source": "noreply@ebox.example",
         "destinations": {"ToAddresses": ["office@bakery.example"]}, "subject": "Nouveau message",
         "body": "Un message vous attend."},
        {"id": "m2", "timestamp": "2026-03-02T09:00:00Z", "source": "noreply@ebox.example",
         "destinations": ["it@garage.example"], "subject": "Rappel [2]", "body": "Toujours là.",
         "template": "reminder"},
    ]

    result = run("mail")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Rappel [2]") < out.index("Nouveau message")
    for shown in ("2 e-mails", "noreply@ebox.example", "office@bakery.example", "it@garage.example",
                  "Un message vous attend.", "template", "reminder", "2026-03-02T09:00:00Z"):
        assert shown in out
    assert api.calls("GET", "/local/mail")[0].headers.get("Authorization") is None


def test_mail_without_times_keeps_the_order_given_and_json_is_the_list(run: Run, api: FakeApi):
    api.mail = {"items": [{"subject": "second"}, {"subject": "first"}]}

    result = run("mail", "--json")

    assert result.exit_code == 0, result.output
    assert [m["subject"] for m in json.loads(result.stdout)] == ["second", "first"]


def test_mail_says_when_there_is_none(run: Run, api: FakeApi):
    result = run("mail")

    assert result.exit_code == 0, result.output
    assert "no e-mail captured yet" in result.stdout


def test_mail_against_an_api_without_a_local_stack_says_so(run: Run, api: FakeApi):
    api.answer("GET", "/local/mail", 404, {"message": "Not Found"})

    result = run("mail")

    assert result.exit_code == 1
    assert "/local/mail" in result.stderr and "make run" in result.stderr


def test_token_prints_the_access_token_for_the_scope_asked(run: Run, api: FakeApi):
    result = run("token", "--scope", "ebox:publish", *SENDER)

    assert result.exit_code == 0, result.output
    assert result.stdout == "tok-demo-sender\n"
    (call,) = api.calls("POST", "/oauth/token")
    assert call.body.decode() == ("grant_type=client_credentials&client_id=demo-sender"
                                  "&client_secret=demo-sender-secret&scope=ebox%3Apublish")
    assert json.loads(run("token", "--json", *SENDER).stdout)["token_type"] == "Bearer"
