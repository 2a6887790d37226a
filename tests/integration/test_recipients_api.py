"""GET /messageRegistry/v3/recipients/{enterpriseNumber}: a sender looks a recipient up before it
publishes (what the manual publication screen shows as the clerk types), on moto."""

import pytest

RECIPIENTS = "/messageRegistry/v3/recipients/"


def test_a_sender_finds_the_recipients_name_and_whether_its_ebox_is_open(api, sender_token):
    assert api.get(sender_token, RECIPIENTS + "0852.093.431").json() == {
        "enterpriseNumber": "0852093431", "name": "Demo Bakery SRL", "eboxActivated": True, "exclusivelyEbox": False}
    paper = api.get(sender_token, RECIPIENTS + "0220916609").json()
    assert paper["name"] == "Paper Only SA" and paper["eboxActivated"] is False


@pytest.mark.parametrize(("number", "status", "code"), [
    ("0852093432", 400, "INVALID_INPUT"),  # check digits wrong
    ("12345", 400, "INVALID_INPUT"),
    ("0428759497", 404, "NOT_FOUND"),  # dissolved: inactive in the register
    ("0417497106", 404, "NOT_FOUND"),  # well formed, not in the register
])
def test_a_wrong_or_unknown_number_is_told_apart(api, sender_token, number, status, code):
    answer = api.get(sender_token, RECIPIENTS + number)
    assert (answer.status, answer.json()["code"]) == (status, code)


def test_only_senders_look_recipients_up(api, enterprise_token):
    assert api.get(enterprise_token, RECIPIENTS + "0852093431").status == 403
