import json

import pytest
from ebox.domain.errors import InvalidInput
from ebox.domain.publication_request import parse_message_to_publish

from tests.fakes import RECIPIENT, SENDER, message_json


def parse(**overrides):
    return parse_message_to_publish(json.dumps(message_json(**overrides)))


def test_v3_message_is_read_with_its_sender_recipient_and_attachments():
    message = parse(attachments=[{"httpPartName": "upfile1", "isMainContent": True, "isAttachmentSigned": True,
                                  "digest": {"digestMethod": "sha_256", "digestValue": "abc"}}])
    assert message.sender.enterprise_number == SENDER
    assert message.sender.application_id == "demo-app"
    assert message.recipient.ebox_id == RECIPIENT
    assert message.attachments[0].is_signed and message.attachments[0].digest_value == "abc"


def test_v2_field_names_are_accepted():
    data = message_json(attachments=[{"httpPartName": "a", "mainContent": True}])
    del data["sender"]
    data["senderOrganizationId"] = SENDER
    data["recipient"] = {"eboxType": "enterprise", "eboxIdValue": "852093431"}
    message = parse_message_to_publish(json.dumps(data))
    assert message.sender.enterprise_number == SENDER
    assert message.recipient.ebox_id == RECIPIENT
    assert message.attachments[0].is_main_content


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"attachments": [{"httpPartName": "a", "isMainContent": False}]}, "exactly one main content"),
        ({"attachments": [{"httpPartName": "a", "isMainContent": True}, {"httpPartName": "b", "isMainContent": True}]},
         "exactly one main content"),
        ({"recipient": {"eboxType": "enterprise", "enterpriseNumber": "0852093432"}}, "recipient"),
        ({"recipient": {"eboxType": "citizen", "ssin": "85073003329"}}, "recipient.ssin"),
        ({"recipient": {"eboxType": "martian", "id": "1"}}, "martian"),
        ({"subject": {"fr": "x" * 401}}, "longer than 400"),
        ({"subject": {"xx": "hello"}}, "unknown language"),
        ({"isBodyMainContent": True}, "no bodyContent"),
        ({"messageTypeId": ""}, "messageTypeId"),
        ({"attachments": [{"httpPartName": "a", "isMainContent": True}, {"httpPartName": "a"}]}, "same httpPartName"),
    ],
)
def test_invalid_messages_name_the_field_at_fault(overrides, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        parse(**overrides)


def test_body_as_main_content_without_attachments():
    message = parse(attachments=[], bodyContent={"nl": "Tekst"}, isBodyMainContent=True)
    assert message.is_body_main_content and message.body == {"nl": "Tekst"}


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_malformed_json_is_invalid_input(raw):
    with pytest.raises(InvalidInput):
        parse_message_to_publish(raw)
