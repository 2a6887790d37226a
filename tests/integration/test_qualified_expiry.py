"""Qualified registered mail that nobody answers: the state machine's window (3 s here, 15 days in the
template) runs out, the expiry is recorded and a late answer changes nothing."""

import pytest

from tests.integration.test_qualified_delivery import answer, awaiting, events_of, qualified
from tests.waiting import eventually


@pytest.fixture(scope="module")
def stack_parameters():
    return {"AcceptanceWindowSeconds": "3"}


def test_no_answer_within_the_window_is_an_expiry_and_a_late_answer_changes_nothing(
        api, sender_token, enterprise_token):
    message_id = qualified(api, sender_token)
    assert awaiting(api, enterprise_token, message_id)
    assert eventually(lambda: "AcceptanceRejectionExpiry" in events_of(api, sender_token, message_id))
    late = answer(api, enterprise_token, message_id, True)
    assert late.status == 409 and late.json()["code"] == "ACCEPTANCE_CLOSED"
    assert "AcceptanceByRecipient" not in events_of(api, sender_token, message_id)
