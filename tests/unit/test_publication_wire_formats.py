"""One domain publication request, two wire formats: each case is written once with the v2 names
(`publishMessage` of the v2.1 swagger) and once with the v3 names, and both must read the same, or
fail with the same code."""

import json

import pytest
from ebox.domain.errors import EboxError
from ebox.domain.publication_request import parse_message_to_publish
from ebox.domain.publication_request_v2 import parse_v2_message_to_publish

from tests.fakes import OTHER, RECIPIENT, SENDER

DIGEST = {"digestMethod": "sha_256", "digestValue": "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"}
SUBJECT = {"fr": "Avis", "nl": "Bericht"}

# (what the case is, v2 fields, v3 fields): the common header of each format is added below.
CASES = [
    ("one PDF, main content",
     {"attachments": [{"httpPartName": "upfile1", "mainContent": True, "attachmentSigned": False}]},
     {"attachments": [{"httpPartName": "upfile1", "isMainContent": True, "isAttachmentSigned": False}]}),
    ("signed document with a title and a digest",
     {"attachments": [{"httpPartName": "f", "mainContent": True, "attachmentSigned": True,
                       "attachmentTitle": {"fr": "Titre"}, "digest": DIGEST}]},
     {"attachments": [{"httpPartName": "f", "isMainContent": True, "isAttachmentSigned": True,
                       "attachmentTitle": {"fr": "Titre"}, "digest": DIGEST}]}),
    ("body as main content, no documents",
     {"attachments": [], "bodyMainContent": True, "bodyContent": {"nl": "Tekst"}},
     {"attachments": [], "isBodyMainContent": True, "bodyContent": {"nl": "Tekst"}}),
    ("body beside a main document, replies allowed, registered",
     {"attachments": [{"httpPartName": "a", "mainContent": True}], "bodyMainContent": False,
      "bodyContent": {"fr": "Voir annexe"}, "replyAuthorized": True, "registeredMail": True},
     {"attachments": [{"httpPartName": "a", "isMainContent": True}], "isBodyMainContent": False,
      "bodyContent": {"fr": "Voir annexe"}, "isReplyAuthorized": True, "isRegisteredMail": True}),
    ("six documents, the body main content",
     {"attachments": [{"httpPartName": f"upfile{i}", "mainContent": False} for i in range(1, 7)],
      "bodyMainContent": True, "bodyContent": {"nl": "Zes bijlagen"}},
     {"attachments": [{"httpPartName": f"upfile{i}", "isMainContent": False} for i in range(1, 7)],
      "isBodyMainContent": True, "bodyContent": {"nl": "Zes bijlagen"}}),
    ("business data, for the attention of, expiration, original message",
     {"attachments": [{"httpPartName": "a", "mainContent": True}],
      "businessDataList": [{"key": "BECBE", "values": [{"nl": "0123"}, {"fr": "0456"}]}],
      "forTheAttentionOf": {"type": "person", "id": "85073003328", "name": "Anna"},
      "expirationDate": "2030-01-01T00:00:00Z", "originalMessageId": "m-1"},
     {"attachments": [{"httpPartName": "a", "isMainContent": True}],
      "businessDataList": [{"key": "BECBE", "values": [{"nl": "0123"}, {"fr": "0456"}]}],
      "forTheAttentionOf": {"type": "person", "id": "85073003328", "name": "Anna"},
      "expirationDate": "2030-01-01T00:00:00Z", "originalMessageId": "m-1"}),
    ("another enterprise as recipient, 9-digit form",
     {"recipient": {"eboxType": "enterprise", "eboxIdValue": OTHER[1:]},
      "attachments": [{"httpPartName": "a", "mainContent": True}]},
     {"recipient": {"eboxType": "enterprise", "enterpriseNumber": OTHER[1:]},
      "attachments": [{"httpPartName": "a", "isMainContent": True}]}),
]

# Cases that must fail, with the same code, in both formats.
REFUSALS = [
    ("no main content", {"attachments": [{"httpPartName": "a", "mainContent": False}]},
     {"attachments": [{"httpPartName": "a", "isMainContent": False}]}),
    ("two main contents", {"attachments": [{"httpPartName": "a", "mainContent": True}],
                           "bodyMainContent": True, "bodyContent": {"fr": "x"}},
     {"attachments": [{"httpPartName": "a", "isMainContent": True}], "isBodyMainContent": True,
      "bodyContent": {"fr": "x"}}),
    ("bad check digits", {"recipient": {"eboxType": "enterprise", "eboxIdValue": "0852093432"},
                          "attachments": [{"httpPartName": "a", "mainContent": True}]},
     {"recipient": {"eboxType": "enterprise", "enterpriseNumber": "0852093432"},
      "attachments": [{"httpPartName": "a", "isMainContent": True}]}),
    ("unknown e-Box type", {"recipient": {"eboxType": "martian", "eboxIdValue": "1"},
                            "attachments": [{"httpPartName": "a", "mainContent": True}]},
     {"recipient": {"eboxType": "martian", "id": "1"}, "attachments": [{"httpPartName": "a", "isMainContent": True}]}),
    ("replyAuthorized not a boolean", {"attachments": [{"httpPartName": "a", "mainContent": True}],
                                       "replyAuthorized": "yes"},
     {"attachments": [{"httpPartName": "a", "isMainContent": True}], "isReplyAuthorized": "yes"}),
]


def v2(fields):
    return {"recipient": {"eboxType": "enterprise", "eboxIdValue": RECIPIENT}, "senderOrganizationId": SENDER,
            "senderApplicationId": "demo-app", "messageTypeId": "demo-notice", "subject": SUBJECT,
            "bodyMainContent": False, "replyAuthorized": False, **fields}


def v3(fields):
    return {"sender": {"eboxType": "enterprise", "enterpriseNumber": SENDER}, "senderApplicationId": "demo-app",
            "recipient": {"eboxType": "enterprise", "enterpriseNumber": RECIPIENT}, "messageTypeId": "demo-notice",
            "subject": SUBJECT, **fields}


@pytest.mark.parametrize("name, v2_fields, v3_fields", CASES, ids=[c[0] for c in CASES])
def test_both_formats_read_to_the_same_request(name, v2_fields, v3_fields):
    from_v2 = parse_v2_message_to_publish(json.dumps(v2(v2_fields)), token_organization=SENDER)
    from_v3 = parse_message_to_publish(json.dumps(v3(v3_fields)))
    assert from_v2 == from_v3


@pytest.mark.parametrize("name, v2_fields, v3_fields", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_both_formats_refuse_the_same_way(name, v2_fields, v3_fields):
    with pytest.raises(EboxError) as from_v2:
        parse_v2_message_to_publish(json.dumps(v2(v2_fields)), token_organization=SENDER)
    with pytest.raises(EboxError) as from_v3:
        parse_message_to_publish(json.dumps(v3(v3_fields)))
    assert from_v2.value.code == from_v3.value.code == "INVALID_INPUT"


def test_a_v2_sender_without_senderOrganizationId_is_the_token_s_organisation():  # noqa: N802
    data = v2({"attachments": [{"httpPartName": "a", "mainContent": True}]})
    del data["senderOrganizationId"]
    assert parse_v2_message_to_publish(json.dumps(data), token_organization=SENDER).sender.enterprise_number == SENDER


def test_v2_reads_only_v2_names():
    """A v3 name in a v2 body is not read (the swagger's names only): here, no main content."""
    data = v2({"attachments": [{"httpPartName": "a", "isMainContent": True}]})
    with pytest.raises(EboxError, match="exactly one main content"):
        parse_v2_message_to_publish(json.dumps(data), token_organization=SENDER)
