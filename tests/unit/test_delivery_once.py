"""What keeps a retried step from doing twice what a lost answer hid (docs/reliability.md)."""

import pytest
from botocore.exceptions import ReadTimeoutError
from ebox.adapters.mailer import SesMailer
from ebox.domain.audit_entries import audit_entry
from ebox.domain.errors import DeliveryUncertain, TransientError

from tests import events as sample_events


def bus_event(detail_type, event_id, time, **detail):
    return sample_events.bus_event(detail_type, {"messageId": "m1", "receiptDate": "2026-11-30T02:00:00Z", **detail},
                                   id=event_id, time=time)


def test_a_publication_announced_twice_is_one_audit_entry():
    first = audit_entry(bus_event("MessagePublished", "e1", "2026-11-30T02:00:01Z"))
    again = audit_entry(bus_event("MessagePublished", "e2", "2026-11-30T02:00:03Z"))
    assert first == again
    assert first.occurred_at == "2026-11-30T02:00:00Z"


def test_other_events_are_known_by_their_bus_id():
    read = audit_entry(bus_event("MessageRead", "e3", "2026-11-30T03:00:00Z"))
    assert (read.occurred_at, read.entry_id) == ("2026-11-30T03:00:00Z", "e3")


class _Ses:
    def __init__(self, error):
        self.error = error

    def send_raw_email(self, **_):
        raise self.error


def test_an_ses_answer_lost_is_an_uncertain_delivery_not_a_retryable_one():
    lost = SesMailer(_Ses(ReadTimeoutError(endpoint_url="https://email.eu-west-1.amazonaws.com/")),
                     sender="noreply@ebox.example")
    with pytest.raises(DeliveryUncertain):
        lost.send(to="a@example.org", subject="s", text="t")
    assert not issubclass(DeliveryUncertain, TransientError)
