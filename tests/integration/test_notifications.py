"""Notifications on moto: preferences per person (per message, daily digest, none), reminders after 15
days unread, alerts 7 days before expiry, each e-mail once whatever the retries, and only about what the
person may see."""

import json
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest
from ebox.domain.partitions import EboxUser

from tests.apigw import publication
from tests.email_html import outline
from tests.events import sample
from tests.fakes import OTHER, RECIPIENT
from tests.integration.test_pipeline_handlers import sqs_event

EBOX = "/messageRegistry/v2/ebox"
USERS = "/messageRegistry/v3/ebox/users"
ANNA, BRUNO, CARLA = "85073003328", "90020199734", "71020304005"  # Anna: all partitions; Bruno: ACCOUNTING
CONTACT = "office@demo-bakery.example"


@pytest.fixture
def anna(api):
    return api.token("user-anna", "demo-secret")


@pytest.fixture
def bruno(api):
    return api.token("user-bruno", "demo-secret")


@pytest.fixture
def scheduled(stack):
    from ebox_local.functions import load_handler

    from tests.conftest import ROOT

    handler = load_handler(ROOT / "functions" / "scheduled_notifications", "app.handler")
    return lambda job, today: handler(sample("scheduled-notifications", job=job, today=today.isoformat()), None)


def prefer(api, token, body, who="me"):
    return api.call("PUT", f"{USERS}/{who}/notificationPreferences", body=json.dumps(body).encode(),
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def publish(api, sender_token, **overrides):
    answer = api.publish(sender_token, publication(**overrides))
    assert answer.status == 201, answer.body
    return answer.json()["messageId"]


def general(api, sender_token):
    return publish(api, sender_token, subject={"fr": "Avis général"})


def accounting(api, sender_token):
    return publish(api, sender_token, messageTypeId="demo-tax", subject={"fr": "Avertissement-extrait de rôle"})


def deliver(stack, handlers, expected=1):
    assert handlers["notify"](sqs_event(stack, stack.notification_queue, expected), None) == {"batchItemFailures": []}


def mails_to(stack, address, about=""):
    return [m for m in stack.sent_mail() if address in m["destinations"] and about in m["body"]]


def received_day(api, token, message_id):
    return date.fromisoformat(api.get(token, f"{EBOX}/messages/{message_id}").json()["receiptDate"][:10])


def read(api, token, message_id):
    attachment = api.get(token, f"{EBOX}/messages/{message_id}/attachments").json()["items"][0]
    path = f"{EBOX}/messages/{message_id}/attachments/{attachment['attachmentId']}/content"
    assert api.get(token, path).status == 200


# ---------------------------------------------------------------- preferences API and isolation


def test_a_person_sets_and_reads_their_preference(api, anna):
    answer = prefer(api, anna, {"mode": "DAILY_DIGEST", "email": "anna@bakery.example", "language": "nl"})
    assert answer.status == 200, answer.body
    assert api.get(anna, f"{USERS}/me/notificationPreferences").json() == {
        "ssin": ANNA, "mode": "DAILY_DIGEST", "email": "anna@bakery.example", "language": "nl"}


def test_bad_preferences_are_refused_clearly(api, anna):
    for body in ({"mode": "HOURLY", "email": "a@b.be"}, {"mode": "PER_MESSAGE"}, {"mode": "PER_MESSAGE", "email": "x"},
                 {"mode": "NONE", "language": "en"}, ["PER_MESSAGE"], {"mode": "NONE", "colour": "red"}):
        answer = prefer(api, anna, body)
        assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", body
    assert api.get(anna, f"{USERS}/me/notificationPreferences").status == 404


def test_an_administrator_sees_others_preferences_a_user_does_not(api, anna, bruno, enterprise_token):
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    assert api.get(anna, f"{USERS}/{BRUNO}/notificationPreferences").json()["email"] == "bruno@bakery.example"
    assert api.get(enterprise_token, f"{USERS}/{BRUNO}/notificationPreferences").status == 200
    assert api.get(bruno, f"{USERS}/{ANNA}/notificationPreferences").status == 403
    assert prefer(api, anna, {"mode": "NONE"}, who=BRUNO).status == 403  # one's own only
    assert api.get(bruno, f"{USERS}/{BRUNO}/notificationPreferences").status == 200
    assert api.get(enterprise_token, f"{USERS}/me/notificationPreferences").status == 400


def test_another_enterprise_cannot_see_a_persons_preferences(api, bruno):
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    logistics = api.token("ent-0403019261", "demo-secret")
    answer = api.get(logistics, f"{USERS}/{BRUNO}/notificationPreferences")
    assert answer.status == 404 and "bruno" not in answer.body.decode()


def test_deleting_a_preference_brings_back_the_contact_address(api, stack, handlers, sender_token, anna):
    prefer(api, anna, {"mode": "NONE"})
    first = general(api, sender_token)
    deliver(stack, handlers)
    assert mails_to(stack, CONTACT, first) == []
    assert api.call("DELETE", f"{USERS}/me/notificationPreferences",
                    headers={"Authorization": f"Bearer {anna}"}).status == 204
    second = general(api, sender_token)
    deliver(stack, handlers)
    assert len(mails_to(stack, CONTACT, second)) == 1


# ---------------------------------------------------------------- per message, digest, none


def test_without_preferences_the_contact_address_is_notified_as_before(api, stack, handlers, sender_token):
    message_id = general(api, sender_token)
    deliver(stack, handlers)
    assert [m["destinations"] for m in stack.sent_mail()] == [[CONTACT]]
    assert message_id in stack.sent_mail()[0]["body"]


def test_each_email_s_ses_id_is_in_the_log_and_its_claim_is_written_once(api, stack, handlers, sender_token,
                                                                           caplog):
    message_id = general(api, sender_token)
    caplog.set_level("INFO", logger="ebox.pipeline.notification_steps")
    deliver(stack, handlers)
    [mail] = stack.sent_mail()
    logged = [r for r in caplog.records if getattr(r, "ses_message_id", None)]
    assert [(r.ses_message_id, r.subject) for r in logged] == [(mail["id"], message_id)]
    claim = stack.services.client("dynamodb").get_item(
        TableName=stack.services.config.messages_table,
        Key={"pk": {"S": f"MSG#{message_id}"}, "sk": {"S": "NOTIFIED"}})["Item"]
    assert set(claim) == {"pk", "sk", "sent_at", "expires_at", "claimed_by"}  # the claim as it was put, no update


def test_the_email_is_plain_text_and_accessible_html_in_the_persons_language_leading_to_the_message(
        api, stack, handlers, sender_token, anna):
    prefer(api, anna, {"mode": "PER_MESSAGE", "email": "anna@bakery.example", "language": "fr"})
    message_id = general(api, sender_token)
    ports = replace(stack.services.notification_ports(), web_app_url="https://ebox.example.be")  # WebAppUrl
    event = sqs_event(stack, stack.notification_queue, 1)
    assert handlers["notify"](event, None, ports) == {"batchItemFailures": []}
    [mail] = mails_to(stack, "anna@bakery.example", message_id)
    link = f"https://ebox.example.be/#/messages/{message_id}"
    assert mail["body"] == mail["text"]
    assert f"Ouvrir le message dans votre e-Box : {link}" in mail["text"] and "Objet : Avis général" in mail["text"]
    assert "Nieuw document" not in mail["text"] + mail["html"]
    page = outline(mail["html"])
    assert page.problems() == []  # lang, a heading, no table nor image, a link that says where it leads
    assert page.lang == "fr" and page.links == [(link, "Ouvrir le message dans votre e-Box")]
    assert "Avis général" in page.text and message_id in page.text


def test_per_message_digest_and_none(api, stack, handlers, scheduled, sender_token, anna, bruno):
    prefer(api, anna, {"mode": "DAILY_DIGEST", "email": "anna@bakery.example", "language": "fr"})
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    tax = accounting(api, sender_token)
    deliver(stack, handlers)
    assert len(mails_to(stack, "bruno@bakery.example", tax)) == 1
    assert mails_to(stack, "anna@bakery.example") == [] and mails_to(stack, CONTACT) == []

    other = general(api, sender_token)
    deliver(stack, handlers)
    assert mails_to(stack, "bruno@bakery.example", other) == []  # no rights on GENERAL

    day = received_day(api, anna, tax)
    assert scheduled("digest", day)["sent"] == 0  # today's digest is tomorrow's
    assert scheduled("digest", day + timedelta(days=1))["sent"] == 1
    digest = mails_to(stack, "anna@bakery.example")
    assert len(digest) == 1 and tax in digest[0]["body"] and other in digest[0]["body"]
    assert "Vos nouveaux documents" in digest[0]["body"] and "Uw nieuwe" not in digest[0]["body"]
    assert mails_to(stack, "bruno@bakery.example", "digest") == []

    prefer(api, bruno, {"mode": "NONE"})
    accounting(api, sender_token)
    deliver(stack, handlers)
    assert len(mails_to(stack, "bruno@bakery.example")) == 1 and mails_to(stack, CONTACT) == []


def test_the_digest_lists_only_the_partitions_a_person_holds_rights_on(api, stack, scheduled, sender_token, bruno):
    prefer(api, bruno, {"mode": "DAILY_DIGEST", "email": "bruno@bakery.example"})
    tax, other = accounting(api, sender_token), general(api, sender_token)
    scheduled("digest", received_day(api, bruno, tax) + timedelta(days=1))
    [digest] = mails_to(stack, "bruno@bakery.example")
    assert tax in digest["body"] and other not in digest["body"]


def test_a_person_without_rights_on_a_partition_gets_no_mail_about_it(api, stack, handlers, scheduled, sender_token,
                                                                      bruno, enterprise_token):
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    hr = publish(api, sender_token, senderApplicationId="demo-basic", subject={"fr": "Attestation de personnel"})
    deliver(stack, handlers)
    day = received_day(api, enterprise_token, hr)
    scheduled("reminders", day + timedelta(days=15))
    assert mails_to(stack, "bruno@bakery.example") == []
    assert len(mails_to(stack, CONTACT, hr)) == 2  # nobody with rights on HR chose: the contact address


def test_enterprise_b_people_hear_nothing_of_a(api, stack, handlers, scheduled, sender_token):
    services = stack.services
    services.registry.save_ebox_user(OTHER, EboxUser(CARLA, frozenset({"ADMIN", "USER"}),
                                                     frozenset({"GENERAL", "ACCOUNTING", "HR"})))
    logistics = api.token("ent-0403019261", "demo-secret")
    from ebox.domain.notification_preferences import Mode, NotificationPreference
    services.notification_preferences.save_preference(OTHER, NotificationPreference(CARLA, Mode.PER_MESSAGE,
                                                                                     "carla@logistics.example"))
    message_id = general(api, sender_token)
    deliver(stack, handlers)
    day = received_day(api, api.token("ent-0852093431", "demo-secret"), message_id)
    scheduled("digest", day + timedelta(days=1))
    scheduled("reminders", day + timedelta(days=15))
    assert mails_to(stack, "carla@logistics.example") == []
    assert api.get(logistics, f"{EBOX}/messages/{message_id}").status == 404


# ---------------------------------------------------------------- reminders and expiry alerts


def test_reminder_on_day_15_not_14_and_not_if_read(api, stack, scheduled, sender_token, enterprise_token):
    unread, later_read = general(api, sender_token), general(api, sender_token)
    day = received_day(api, enterprise_token, unread)
    assert scheduled("reminders", day + timedelta(days=14))["sent"] == 0
    read(api, enterprise_token, later_read)
    assert scheduled("reminders", day + timedelta(days=15))["sent"] == 1
    [reminder] = [m for m in stack.sent_mail() if "Rappel e-Box" in m["subject"]]
    assert unread in reminder["body"] and reminder["destinations"] == [CONTACT]
    assert later_read not in json.dumps(stack.sent_mail())


def test_expiry_alert_7_days_before(api, stack, scheduled, sender_token, enterprise_token, bruno):
    prefer(api, bruno, {"mode": "DAILY_DIGEST", "email": "bruno@bakery.example", "language": "nl"})
    tax = accounting(api, sender_token)
    expiry = date.fromisoformat(api.get(enterprise_token, f"{EBOX}/messages/{tax}").json()["expirationDate"][:10])
    assert scheduled("reminders", expiry - timedelta(days=8))["sent"] == 0
    assert scheduled("reminders", expiry - timedelta(days=7))["sent"] == 1
    [alert] = mails_to(stack, "bruno@bakery.example", tax)
    assert "verdwijnt over 7 dagen" in alert["body"] and "verdwijnen over 7 dagen" in alert["subject"]


def test_reminders_emit_the_event_api_events_once(api, stack, scheduled, sender_token, enterprise_token):
    message_id = general(api, sender_token)
    day = received_day(api, enterprise_token, message_id)
    scheduled("reminders", day + timedelta(days=15))
    scheduled("reminders", day + timedelta(days=15))
    bodies, deadline = [], time.monotonic() + 10  # EventBridge delivers to SQS a moment later (LocalStack, AWS)
    while time.monotonic() < deadline and not any(b["detail-type"] == "newDocumentReminder" for b in bodies):
        bodies += [json.loads(m["Body"]) for m in stack.sqs.receive_message(
            QueueUrl=stack.evidence_queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
    bodies += [json.loads(m["Body"]) for m in stack.sqs.receive_message(
        QueueUrl=stack.evidence_queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
    reminders = [b for b in bodies if b["detail-type"] == "newDocumentReminder"]
    assert len(reminders) == 1
    detail = reminders[0]["detail"]
    assert detail["eventType"] == "newDocumentReminder" and detail["enterpriseId"] == RECIPIENT
    assert detail["messageId"] == message_id and detail["registeredMail"] is False


# ---------------------------------------------------------------- once, even when retried or failing


def test_run_twice_one_mail_each(api, stack, handlers, scheduled, sender_token, anna, bruno):
    prefer(api, anna, {"mode": "DAILY_DIGEST", "email": "anna@bakery.example"})
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    tax = accounting(api, sender_token)
    event = sqs_event(stack, stack.notification_queue)
    handlers["notify"](event, None)
    handlers["notify"](event, None)
    day = received_day(api, anna, tax)
    for _ in range(2):
        scheduled("digest", day + timedelta(days=1))
        scheduled("reminders", day + timedelta(days=15))
    assert len(mails_to(stack, "bruno@bakery.example", "Nouveau document")) == 1
    assert len(mails_to(stack, "bruno@bakery.example", "Herinnering")) == 1
    assert len(mails_to(stack, "anna@bakery.example", "Vos nouveaux documents")) == 1
    assert len(mails_to(stack, "anna@bakery.example", "Rappel")) == 1


def test_ses_failure_is_retried_later_and_still_sent_once(api, stack, scheduled, sender_token, enterprise_token,
                                                          monkeypatch):
    from ebox.domain.errors import NotificationIncomplete, TransientError

    message_id = general(api, sender_token)
    day = received_day(api, enterprise_token, message_id) + timedelta(days=15)
    mailer = stack.services.mailer
    real_send = mailer.send

    def refused(**_):
        raise TransientError("SES throttled")

    monkeypatch.setattr(mailer, "send", refused)
    with pytest.raises(NotificationIncomplete):
        scheduled("reminders", day)
    assert stack.sent_mail() == []
    monkeypatch.setattr(mailer, "send", real_send)
    assert scheduled("reminders", day)["sent"] == 1
    assert scheduled("reminders", day)["sent"] == 0
    assert len(mails_to(stack, CONTACT, message_id)) == 1


def test_ses_failure_on_a_new_document_is_retried_by_sqs(api, stack, handlers, sender_token, bruno, monkeypatch):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from ebox.domain.errors import TransientError

    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    accounting(api, sender_token)
    event = sqs_event(stack, stack.notification_queue)
    mailer = stack.services.mailer
    real_send = mailer.send
    monkeypatch.setattr(mailer, "send", lambda **_: (_ for _ in ()).throw(TransientError("SES down")))
    with pytest.raises(BatchProcessingError):  # the whole batch failed: SQS delivers it again
        handlers["notify"](event, None)
    monkeypatch.setattr(mailer, "send", real_send)
    handlers["notify"](event, None)
    handlers["notify"](event, None)
    assert len(mails_to(stack, "bruno@bakery.example")) == 1


def test_messages_from_before_the_day_indexes_are_backfilled_once(api, stack, scheduled, sender_token,
                                                                  enterprise_token):
    from ebox.adapters.tables.message_items import MessageItem
    from ebox.pipeline.scheduled_notifications import backfill

    older = [general(api, sender_token) for _ in range(3)]
    for message_id in older:  # as publication wrote them before the day indexes
        MessageItem(f"EBOX#{RECIPIENT}", f"MSG#{message_id}").update(
            actions=[MessageItem.receipt_day.remove(), MessageItem.expiration_day.remove()])
    day = received_day(api, enterprise_token, older[0]) + timedelta(days=15)
    assert scheduled("reminders", day)["sent"] == 0

    ports = stack.services.notification_ports()
    first = backfill(ports, max_items=2)
    assert first == {"job": "backfill", "updated": 2, "more": True}
    assert scheduled("backfill", day) == {"job": "backfill", "updated": 1, "more": False}
    assert backfill(ports)["updated"] == 0  # nothing left: running it again changes nothing
    assert scheduled("reminders", day)["sent"] == 1  # one e-mail listing the three


def test_a_day_of_reminders_is_one_email_per_person_and_ebox(api, stack, scheduled, sender_token,
                                                              enterprise_token, bruno):
    prefer(api, bruno, {"mode": "PER_MESSAGE", "email": "bruno@bakery.example"})
    taxes = [accounting(api, sender_token) for _ in range(3)]
    day = received_day(api, enterprise_token, taxes[0]) + timedelta(days=15)
    assert scheduled("reminders", day)["sent"] == 1  # Bruno chose for ACCOUNTING: not the contact address
    [reminder] = [m for m in mails_to(stack, "bruno@bakery.example") if "Rappel e-Box" in m["subject"]]
    assert all(message_id in reminder["body"] for message_id in taxes)
    assert "3 document(s) non lu(s)" in reminder["subject"]  # no language chosen: nl, fr and de
    assert scheduled("reminders", day)["sent"] == 0  # the day's e-mail is sent once
