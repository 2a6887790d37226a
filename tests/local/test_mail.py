"""Captured e-mails: simple and raw ones, stamped when sent, newest first."""

from __future__ import annotations

from email.message import EmailMessage

import boto3
from ebox_local.mail import captured_mail, install_capture


def test_simple_and_raw_mail_are_listed_newest_first(mocked):
    ses = boto3.client("ses")
    ses.send_email(Source="robot@local.example", Destination={"ToAddresses": ["a@x.example"],
                                                              "CcAddresses": ["b@x.example"]},
                   Message={"Subject": {"Data": "before capture"}, "Body": {"Text": {"Data": "one"}}})
    install_capture("eu-west-1")
    raw = EmailMessage()
    raw["Subject"], raw["From"], raw["To"] = "Nouveau document", "robot@local.example", "c@x.example"
    raw.set_content("Un document vous attend.")
    ses.send_raw_email(Source="robot@local.example", Destinations=["c@x.example"],
                       RawMessage={"Data": raw.as_bytes()})
    newest, oldest = captured_mail("eu-west-1")
    assert (newest["subject"], newest["body"].strip(), newest["destinations"]) == (
        "Nouveau document", "Un document vous attend.", ["c@x.example"])
    assert newest["timestamp"].endswith("Z") and newest["id"]
    assert (oldest["subject"], oldest["destinations"], oldest["timestamp"]) == (
        "before capture", ["a@x.example", "b@x.example"], None)
    assert captured_mail("us-west-2") == []


def test_the_newest_mail_is_kept_and_the_oldest_beyond_the_limit_forgotten(mocked, monkeypatch):
    from ebox_local import mail

    monkeypatch.setattr(mail, "KEPT_MAIL", 3)
    install_capture("eu-west-1")
    ses = boto3.client("ses")
    for n in range(5):
        ses.send_email(Source="robot@local.example", Destination={"ToAddresses": ["a@x.example"]},
                       Message={"Subject": {"Data": f"e-mail {n}"}, "Body": {"Text": {"Data": "one"}}})
    assert [m["subject"] for m in captured_mail("eu-west-1")] == ["e-mail 4", "e-mail 3", "e-mail 2"]
