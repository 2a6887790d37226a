"""Consultation through the API handler, on moto: an enterprise sees its own e-Box and nothing else."""

import pytest

from tests.apigw import PDF, publication
from tests.fakes import OTHER

EBOX = "/messageRegistry/v2/ebox"


@pytest.fixture
def published(api, sender_token):
    return [api.publish(sender_token, publication(subject={"fr": f"Avis {n}"})).json()["messageId"] for n in range(3)]


def test_inbox_lists_messages_newest_first_with_counts(api, enterprise_token, published):
    page = api.get(enterprise_token, EBOX + "/messages").json()
    assert [m["messageId"] for m in page["items"]] == list(reversed(published))
    assert page["totalItems"] == 3
    first = page["items"][0]
    assert first["subject"] == {"fr": "Avis 2"}
    assert first["readStatus"] is False and first["senderOrganizationId"] == "0406798006"
    assert first["attachments"]["items"][0]["digest"]["digestMethod"] == "sha_256"
    summary = api.get(enterprise_token, EBOX).json()
    assert (summary["numberOfMessages"], summary["numberOfUnreadMessages"]) == (3, 3)


def test_pages_split_the_inbox(api, enterprise_token, published):
    second = api.get(enterprise_token, EBOX + "/messages", {"page": "2", "pageSize": "2"}).json()
    assert [m["messageId"] for m in second["items"]] == [published[0]]


@pytest.mark.parametrize("query", [{"pageSize": "101"}, {"pageSize": "0"}, {"page": "0"}, {"page": "x"}])
def test_bad_paging_is_invalid_input(api, enterprise_token, query):
    answer = api.get(enterprise_token, EBOX + "/messages", query)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT"


def test_opening_the_main_content_gives_the_exact_bytes_and_marks_it_read(api, enterprise_token, published):
    message = api.get(enterprise_token, f"{EBOX}/messages/{published[0]}").json()
    attachment = message["attachments"]["items"][0]
    content = api.get(enterprise_token, attachment["contentHref"])
    assert content.status == 200
    assert content.body == PDF
    assert content.headers["content-type"] == "application/pdf"
    assert api.get(enterprise_token, f"{EBOX}/messages/{published[0]}").json()["readStatus"] is True
    assert api.get(enterprise_token, EBOX).json()["numberOfUnreadMessages"] == 2
    api.get(enterprise_token, attachment["contentHref"])  # a second opening changes no count
    assert api.get(enterprise_token, EBOX).json()["numberOfUnreadMessages"] == 2


def test_body_as_main_content_is_read_through_body(api, sender_token, enterprise_token):
    from tests.apigw import multipart, part

    meta = ('{"sender":{"eboxType":"enterprise","enterpriseNumber":"0406798006"},"senderApplicationId":"demo-app",'
            '"recipient":{"eboxType":"enterprise","enterpriseNumber":"0852093431"},"messageTypeId":"demo-notice",'
            '"subject":{"nl":"Herinnering"},"bodyContent":{"nl":"Uw aangifte is te laat."},"isBodyMainContent":true}')
    message_id = api.publish(sender_token, multipart(part("messageToPublish", meta.encode()))).json()["messageId"]
    body = api.get(enterprise_token, f"{EBOX}/messages/{message_id}/body")
    assert body.json() == {"nl": "Uw aangifte is te laat."}
    assert api.get(enterprise_token, f"{EBOX}/messages/{message_id}").json()["readStatus"] is True


@pytest.mark.parametrize("suffix", ["", "/attachments", "/body"])
def test_another_enterprises_message_is_not_found(api, published, suffix):
    other = api.token(f"ent-{OTHER}", "demo-secret")
    answer = api.get(other, f"{EBOX}/messages/{published[0]}{suffix}")
    assert answer.status == 404 and answer.json()["code"] == "NOT_FOUND"
    assert api.get(other, EBOX + "/messages").json()["items"] == []


def test_another_enterprise_cannot_download_the_content(api, enterprise_token, published):
    href = api.get(enterprise_token, f"{EBOX}/messages/{published[0]}").json()["attachments"]["items"][0]["contentHref"]
    other = api.token(f"ent-{OTHER}", "demo-secret")
    assert api.get(other, href).status == 404
    assert api.get(enterprise_token, EBOX).json()["numberOfUnreadMessages"] == 3


def test_unknown_attachment_is_not_found(api, enterprise_token, published):
    assert api.get(enterprise_token, f"{EBOX}/messages/{published[0]}/attachments/nope/content").status == 404

