"""The e-Box team's public Postman collections, replayed as a new sender would after following their
instructions: paste a token, replace the sender's ids by its own, choose the files, set the endpoint.

The requests' `messageToPublish` values are transcribed from
`be-smals-thim/be-ebox-enterprise-integration-support` (examples/postman, v2 `publishMessage`) and
`e-Box-Enterprise-Belgium/examples` (postman, v3). Recipients are left as the examples have them.
"""

import json
import os

import pytest

from tests.apigw import multipart, part
from tests.integration.test_publication_v2_api import FILES

ENDPOINT_V2 = "/messageRegistry/v2/"  # {{EndpointEnterpriseMessageRegistryV2}}
ENDPOINT_V3 = "/messageRegistry/v3/"  # {{EndpointEnterpriseMessageRegistryV3}}
OUR_IDS = {"senderOrganizationId": "0406798006", "senderApplicationId": "demo-app", "messageTypeId": "demo-notice"}

V2_EXAMPLES = {
    "Publish one document": (
        '{"recipient":{"eboxType":"enterprise","eboxIdValue":"0852093431"},"subject":{"nl":"Test bericht publicatie '
        'REST"},"messageTypeId":"TEST_PILOT_5_ENTERPRISE","senderOrganizationId":"0220916609","senderApplicationId":'
        '"document:management:consult:ws-eboxrestentreprise:0220916609","attachments":[{"httpPartName":"upfile1",'
        '"mainContent":true,"attachmentSigned":false}],"bodyMainContent":false,"replyAuthorized":false}',
        [("upfile1", "JPEGTestFile.jpeg")]),
    "Publish a document for citizen": (
        '{"recipient":{"eboxType":"citizen","eboxIdValue":"94022722580"},"subject":{"fr":"Document pour citoyen"},'
        '"messageTypeId":"TEST_PILOT_5_CITIZEN","senderOrganizationId":"0220916609","senderApplicationId":'
        '"document:management:consult:ws-eboxrestentreprise:0220916609","attachments":[{"httpPartName":"upfile1",'
        '"mainContent":true,"attachmentSigned":false}],"bodyMainContent":false, "replyAuthorized": false}',
        [("upfile1", "PDFTestFile.pdf")]),
    "Publish only a body": (
        '{"recipient":{"eboxType":"enterprise","eboxIdValue":"0534530277"},"subject":{"nl":"Test pub REST doc and '
        'body"},"messageTypeId":"TEST_PILOT_5_ENTERPRISE","senderOrganizationId":"0220916609","senderApplicationId":'
        '"document:management:consult:ws-eboxrestentreprise:0220916609","attachments":[],"bodyMainContent":true,'
        '"bodyContent":{"nl":"Dutch body content is here"},"replyAuthorized":false,"businessDataList":[{"key": '
        '"BECBE","values": [{"nl": "dutchV2"},{"fr": "frenchV2b"}]}]}',
        []),
    "Publish doc + business data": (
        '{"recipient":{"eboxType":"enterprise","eboxIdValue":"0852093431"},"subject":{"nl":"Test pub REST doc and '
        'metadata"},"messageTypeId":"TEST_PILOT_5_ENTERPRISE","senderOrganizationId":"0220916609",'
        '"senderApplicationId":"document:management:consult:ws-eboxrestentreprise:0220916609","attachments":[{'
        '"httpPartName":"upfile1","mainContent":true,"attachmentSigned":false}],"bodyMainContent":false,'
        '"replyAuthorized":false,"businessDataList":[{"key": "BECBE","values": [{"nl": "a BECBE num"},{"nl": '
        '"a second BECBE num"}]}]}',
        [("upfile1", "TXTTestFile.txt")]),
    "Publish maximal: body + 6 docs + business data": (
        '{"recipient":{"eboxType":"enterprise","eboxIdValue":"0534530277"},"subject":{"nl":"Test pub REST doc and '
        'body"},"messageTypeId":"TEST_PILOT_5_ENTERPRISE","senderOrganizationId":"0220916609","senderApplicationId":'
        '"document:management:consult:ws-eboxrestentreprise:0220916609","attachments":[{"httpPartName":"upfile1",'
        '"mainContent":false,"attachmentSigned":false},{"httpPartName":"upfile2","mainContent":false,'
        '"attachmentSigned":false},{"httpPartName":"upfile3","mainContent":false,"attachmentSigned":false},'
        '{"httpPartName":"upfile4","mainContent":false,"attachmentSigned":false},{"httpPartName":"upfile5",'
        '"mainContent":false,"attachmentSigned":false},{"httpPartName":"upfile6","mainContent":false,'
        '"attachmentSigned":false}],"bodyMainContent":true,"bodyContent":{"nl":"Dutch body content is here"},'
        '"replyAuthorized":false,"businessDataList":[{"key": "BECBE","values": [{"nl": "dutchV2"},{"fr": '
        '"frenchV2b"}]}]}',
        [("upfile1", "TXTTestFile.txt"), ("upfile2", "PDFTestFile.pdf"), ("upfile3", "PNGTestFile.png"),
         ("upfile4", "XLSXTestFile.xlsx"), ("upfile5", "JPEGTestFile.jpeg"), ("upfile6", "PPTTestFile.ppt")]),
}

V3_EXAMPLES = {
    "publication 1 file to enterprise": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0123456789"},"recipient":{"eboxType":"enterprise",'
        '"enterpriseNumber":"0852093431"},"subject":{"fr":"test publication 1 file to enterprise"},"messageTypeId":'
        '"yourMessageTypeId","senderApplicationId":"yourApplicationId","attachments":[{"httpPartName":"upfile1",'
        '"isMainContent":true,"isAttachmentSigned":false}]}',
        [("upfile1", "PDFTestFile.pdf")]),
    "publication 1 file to enterprise + body content": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0123456789"},"recipient":{"eboxType":"enterprise",'
        '"enterpriseNumber":"0852093431"},"subject":{"fr":"test publication 1 file + body content"},"messageTypeId":'
        '"yourMessageTypeId","senderApplicationId":"yourApplicationId","attachments":[{"httpPartName":"upfile1",'
        '"isMainContent":true,"isAttachmentSigned":false}],"isBodyMainContent":false,"bodyContent":{"fr":"Here is '
        'the body content. It is a free text that will be displayed in the recipient\'s e-Box in the message '
        'details page."}}',
        [("upfile1", "PDFTestFile.pdf")]),
    "publication 3 files to enterprise": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0123456789"},"recipient":{"eboxType":"enterprise",'
        '"enterpriseNumber":"0852093431"},"subject":{"fr":"test publication 3 documents"},"messageTypeId":'
        '"yourMessageTypeId","senderApplicationId":"yourApplicationId","attachments":[{"httpPartName":"upfile1",'
        '"isMainContent":true,"isAttachmentSigned":false},{"httpPartName":"upfile2","isMainContent":false,'
        '"isAttachmentSigned":false},{"httpPartName":"upfile3","isMainContent":false,"isAttachmentSigned":false}]}',
        [("upfile1", "PDFTestFile.pdf"), ("upfile2", "XLSXTestFile.xlsx"), ("upfile3", "TXTTestFile.txt")]),
    "publication from another partition": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0123456789","partition":"Another_partition"},'
        '"recipient":{"eboxType":"enterprise","enterpriseNumber":"0852093431"},"subject":{"fr":"test publication '
        'from another partition"},"messageTypeId":"myMessageTypeId","senderApplicationId":"myApplicationId",'
        '"attachments":[{"httpPartName":"upfile1","isMainContent":true,"isAttachmentSigned":false}],'
        '"isReplyAuthorized":true}',
        [("upfile1", "PDFTestFile.pdf")]),
}
# Two v3 examples name recipients that no real service accepts: "0123456789" fails the enterprise
# number's check digits, "01010122233" the SSIN's. A sender that keeps them gets INVALID_INPUT.
V3_PLACEHOLDER_RECIPIENTS = {
    "publication 1 file + businessData": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0220916609"},"recipient":{"eboxType":"enterprise",'
        '"enterpriseNumber":"0123456789"},"subject":{"fr":"test publication 1 file + businessData"},"messageTypeId":'
        '"yourMessageTypeId","senderApplicationId":"yourApplicationId","attachments":[{"httpPartName":"upfile1",'
        '"isMainContent":true,"isAttachmentSigned":false}],"businessDataList":[{"key": "BECBE","values": [{"nl": '
        '"0123456789"},{"nl": "0987654321"}]},{"key":"BCE IP","values":[{"nl":"0123456789"}]},{"key":"SSCBECBE",'
        '"values":[{"nl":"0123456789"}]}]}',
        [("upfile1", "PDFTestFile.pdf")]),
    "publication to citizen": (
        '{"sender":{"eboxType":"enterprise","enterpriseNumber":"0123456789"},"recipient":{"eboxType":"citizen",'
        '"ssin":"01010122233"},"subject":{"fr":"test publication 1 PDF for citizen"},"messageTypeId":'
        '"yourMessageTypeId","senderApplicationId":"yourApplicationId","attachments":[{"httpPartName":"upfile1",'
        '"isMainContent":true,"isAttachmentSigned":false}]}',
        [("upfile1", "PDFTestFile.pdf")]),
}


def as_our_sender_v2(text):
    """Replaces the sender's ids, as the collection's instructions ask."""
    message = json.loads(text)
    message.update(OUR_IDS)
    return json.dumps(message)


def as_our_sender_v3(text):
    message = json.loads(text)
    message["sender"]["enterpriseNumber"] = OUR_IDS["senderOrganizationId"]
    message["senderApplicationId"] = OUR_IDS["senderApplicationId"]
    message["messageTypeId"] = OUR_IDS["messageTypeId"]
    return json.dumps(message)


def postman_body(message_text, files):
    """Postman's form-data body: the text field first, then the files the user chose, each with the
    media type of its extension."""
    parts = [part("messageToPublish", message_text.encode())]
    parts += [part(name, FILES[f][1], filename=os.path.basename(f), content_type=FILES[f][0]) for name, f in files]
    return multipart(*parts)


@pytest.mark.parametrize("name", list(V2_EXAMPLES))
def test_v2_collection_examples_publish(api, sender_token, name):
    text, files = V2_EXAMPLES[name]
    answer = api.call("POST", ENDPOINT_V2 + "publishMessage", body=postman_body(as_our_sender_v2(text), files),
                      headers={"Authorization": f"Bearer {sender_token}",  # the collection's bearer auth
                               "Content-Type": "multipart/form-data", "Accept": "*/*"})  # the collection's headers
    assert answer.status == 201, answer.body
    assert answer.json()["messageId"]


@pytest.mark.parametrize("name", list(V3_EXAMPLES))
def test_v3_collection_examples_publish(api, sender_token, name):
    text, files = V3_EXAMPLES[name]
    answer = api.publish(sender_token, postman_body(as_our_sender_v3(text), files), path=ENDPOINT_V3 + "ebox/messages/")
    assert answer.status == 201, answer.body


@pytest.mark.parametrize("name", list(V3_PLACEHOLDER_RECIPIENTS))
def test_v3_examples_with_placeholder_recipients_are_invalid_input(api, sender_token, name):
    text, files = V3_PLACEHOLDER_RECIPIENTS[name]
    answer = api.publish(sender_token, postman_body(as_our_sender_v3(text), files), path=ENDPOINT_V3 + "ebox/messages/")
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT")
    assert "0123456789" in answer.json()["message"] or "01010122233" in answer.json()["message"]
