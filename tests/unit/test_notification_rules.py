"""Who is notified of what, and when: the notification rules with a fixed clock, no AWS."""

from datetime import UTC, date, datetime

import pytest
from ebox.domain.access import EboxReader
from ebox.domain.errors import InvalidInput, MissingScope, NotFound
from ebox.domain.notification import digest_email, message_email
from ebox.domain.notification_preferences import (
    CONTACT,
    Mode,
    NotificationPreference,
    NotificationSettings,
    parse_preference,
    recipients_for,
)
from ebox.domain.notification_schedule import (
    alert_expiration_day,
    day_of,
    digest_day,
    job_day,
    reminder_receipt_day,
)
from ebox.domain.partitions import EboxUser

ANNA, BRUNO, GHOST = "85073003328", "90020199734", "71020304005"
USERS = [EboxUser(ANNA, frozenset({"ADMIN", "USER"}), frozenset({"GENERAL", "ACCOUNTING", "HR"})),
         EboxUser(BRUNO, frozenset({"USER"}), frozenset({"ACCOUNTING"}))]
EVERY = frozenset(Mode)


def pref(ssin, mode, email=None, language=None):
    return NotificationPreference(ssin, mode, email or f"{ssin}@x.be", language)


def test_no_preference_notifies_the_contact_address():
    found = recipients_for("GENERAL", preferences=[], users=USERS, contact_email="office@x.be", modes=EVERY)
    assert [(r.key, r.email) for r in found] == [(CONTACT, "office@x.be")]
    assert recipients_for("GENERAL", preferences=[], users=USERS, contact_email=None, modes=EVERY) == []


def test_people_with_rights_and_the_wanted_mode_are_notified():
    prefs = [pref(ANNA, Mode.DAILY_DIGEST), pref(BRUNO, Mode.PER_MESSAGE)]
    per_message = frozenset({Mode.PER_MESSAGE})
    assert [r.key for r in recipients_for("ACCOUNTING", preferences=prefs, users=USERS, contact_email="o@x.be",
                                          modes=per_message)] == [BRUNO]
    assert recipients_for("GENERAL", preferences=prefs, users=USERS, contact_email="o@x.be", modes=per_message) == []


def test_a_preference_without_rights_on_the_partition_does_not_silence_the_contact_address():
    prefs = [pref(BRUNO, Mode.NONE)]  # Bruno holds no rights on HR
    assert [r.key for r in recipients_for("HR", preferences=prefs, users=USERS, contact_email="o@x.be",
                                          modes=EVERY)] == [CONTACT]
    assert recipients_for("ACCOUNTING", preferences=prefs, users=USERS, contact_email="o@x.be", modes=EVERY) == []


def test_a_preference_of_someone_who_is_no_longer_a_user_counts_for_nothing():
    prefs = [pref(GHOST, Mode.PER_MESSAGE)]
    assert [r.key for r in recipients_for("GENERAL", preferences=prefs, users=USERS, contact_email="o@x.be",
                                          modes=EVERY)] == [CONTACT]


def test_parse_preference():
    assert parse_preference(ANNA, {"mode": "NONE"}) == NotificationPreference(ANNA, Mode.NONE)
    assert parse_preference(ANNA, {"mode": "DAILY_DIGEST", "email": "a@b.be", "language": "de"}).language == "de"
    for bad in ({"mode": "DAILY"}, {"mode": "PER_MESSAGE"}, {"mode": "NONE", "email": "a@b"},
                {"mode": "NONE", "email": "a b@c.be"}, {"mode": "NONE", "language": "EN"}, "NONE", {"x": 1}):
        with pytest.raises(InvalidInput):
            parse_preference(ANNA, bad)


def test_days_with_a_fixed_clock():
    today = date(2026, 12, 16)
    assert reminder_receipt_day(today) == date(2026, 12, 1)  # received on the 1st: reminded on the 16th
    assert alert_expiration_day(today) == date(2026, 12, 23)
    assert digest_day(today) == date(2026, 12, 15)
    assert day_of("2026-12-01T23:59:59.999Z") == date(2026, 12, 1)
    assert day_of("2026-12-02T00:30:00+02:00") == date(2026, 12, 1)
    assert job_day(None, now=datetime(2026, 12, 16, 5, 0, tzinfo=UTC)) == today
    assert job_day("2027-01-02", now=datetime(2026, 12, 16, tzinfo=UTC)) == date(2027, 1, 2)
    with pytest.raises(InvalidInput):
        job_day("tomorrow", now=datetime(2026, 12, 16, tzinfo=UTC))


def test_mails_speak_the_persons_language_and_never_carry_the_document():
    detail = {"messageId": "m1", "recipient": {"enterpriseNumber": "0852093431"}, "senderOrganizationId": "0406798006",
              "subject": {"fr": "Avis", "nl": "Bericht"}, "receiptDate": "2026-12-01T10:00:00Z",
              "expirationDate": "2028-12-01T10:00:00Z"}
    nl = message_email(kind="reminder", to="a@b.be", detail=detail, sender_name={"nl": "RSZ", "fr": "ONSS"},
                       enterprise_name="Bakery", language="nl")
    assert "Herinnering" in nl.text and "Rappel" not in nl.text and "RSZ - Bericht" in nl.subject
    every = message_email(kind="expiry", to="a@b.be", detail=detail, sender_name=None, enterprise_name="Bakery")
    assert "verdwijnt" in every.text and "quitte" in every.text and "verschwindet" in every.text
    digest = digest_email(to="a@b.be", day="2026-12-01", enterprise_number="0852093431", enterprise_name="Bakery",
                          messages=[(detail, None)], language="fr")
    assert "1 nouveau(x) document(s)" in digest.subject and "m1" in digest.text and "Avis" in digest.text


class _Store:
    def __init__(self):
        self.saved = {}

    def preference(self, ebox, person):
        return self.saved.get((ebox, person))

    def save_preference(self, ebox, preference):
        self.saved[(ebox, preference.ssin)] = preference

    def delete_preference(self, ebox, person):
        self.saved.pop((ebox, person), None)


class _Directory:
    def ebox_user(self, ebox, ssin):
        return next((u for u in USERS if u.ssin == ssin), None) if ebox == "0852093431" else None


def test_settings_isolation():
    store = _Store()
    bruno = NotificationSettings(EboxReader("0852093431", frozenset({"ACCOUNTING"}), BRUNO), store, _Directory())
    bruno.save("me", {"mode": "PER_MESSAGE", "email": "b@x.be"})
    assert bruno.get(BRUNO).email == "b@x.be"
    with pytest.raises(MissingScope):
        bruno.get(ANNA)
    anna = NotificationSettings(EboxReader("0852093431", None, ANNA, is_admin=True), store, _Directory())
    assert anna.get(BRUNO).mode is Mode.PER_MESSAGE
    with pytest.raises(MissingScope):
        anna.save(BRUNO, {"mode": "NONE"})
    other = NotificationSettings(EboxReader("0403019261", None, None, is_admin=True), store, _Directory())
    with pytest.raises(NotFound):
        other.get(BRUNO)
    with pytest.raises(InvalidInput):
        other.get("me")


def test_the_emails_lead_to_the_web_app_in_the_persons_language():
    from ebox.domain.notification import digest_email, new_document_email, reminders_email

    detail = {"messageId": "m-1", "recipient": {"enterpriseNumber": "0852093431"}, "senderOrganizationId": "0406798006",
              "subject": {"fr": "Avis"}, "receiptDate": "2026-11-01T08:00:00Z",
              "expirationDate": "2028-11-01T08:00:00Z", "registeredMailType": "simple", "partition": "GENERAL"}
    web = "https://ebox.example.be"
    new = new_document_email(to="a@x.be", detail=detail, sender_name={"fr": "ONSS"}, enterprise_name="Bakery",
                             language="fr", web_url=web)
    assert "Ouvrir le message dans votre e-Box : https://ebox.example.be/#/messages/m-1" in new.text
    digest = digest_email(to="a@x.be", day="2026-11-01", enterprise_number="0852093431", enterprise_name="Bakery",
                          messages=[(detail, None)], language="nl", web_url=web)
    assert "Uw e-Box-inbox openen: https://ebox.example.be/#/inbox" in digest.text
    reminders = reminders_email(to="a@x.be", day="2026-11-16", enterprise_number="0852093431",
                                enterprise_name="Bakery", unread=[(detail, None)] * 2, expiring=[(detail, None)],
                                language="de", web_url=web)
    assert "#/inbox?unread=1" in reminders.text and "2 ungelesen, 1 verschwinden in 7 Tagen" in reminders.subject
    assert "https://" not in new_document_email(to="a@x.be", detail=detail, sender_name=None,
                                                enterprise_name="Bakery").text  # no address configured: no link
