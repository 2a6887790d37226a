import json

import pytest
from ebox.domain.documents import match_documents, sha256_b64url
from ebox.domain.errors import DigestDoNotMatch, InvalidInput
from ebox.domain.publication_request import parse_message_to_publish

from tests.fakes import b64url_sha256, document, message_json

PDF = b"%PDF-1.7 demo"


def request(*attachments):
    return parse_message_to_publish(json.dumps(message_json(attachments=list(attachments))))


def test_digest_is_base64url_without_padding():
    assert sha256_b64url(b"") == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"


def test_documents_are_matched_by_part_name_in_announcement_order():
    req = request({"httpPartName": "b", "isMainContent": True}, {"httpPartName": "a"})
    pairs = match_documents(req, {"a": document("a"), "b": document("b")})
    assert [(d.part_name, i) for d, i in pairs] == [("b", 0), ("a", 1)]


def test_announced_part_missing_is_invalid_input():
    with pytest.raises(InvalidInput, match="not sent: upfile1"):
        match_documents(request({"httpPartName": "upfile1", "isMainContent": True}), {})


def test_part_sent_but_not_announced_is_invalid_input():
    req = request({"httpPartName": "upfile1", "isMainContent": True})
    with pytest.raises(InvalidInput, match="not announced.*extra"):
        match_documents(req, {"upfile1": document(), "extra": document("extra")})


def test_media_type_outside_the_whitelist_is_refused():
    req = request({"httpPartName": "upfile1", "isMainContent": True})
    with pytest.raises(InvalidInput, match="application/x-msdownload"):
        match_documents(req, {"upfile1": document(media_type="application/x-msdownload")})


@pytest.mark.parametrize("wrong", ["hex", "plain-base64"])
def test_digest_not_in_base64url_or_of_other_bytes_does_not_match(wrong):
    import base64
    import hashlib

    digest = hashlib.sha256(PDF).hexdigest() if wrong == "hex" else base64.b64encode(b"\xfb" * 32).decode()
    req = request({"httpPartName": "upfile1", "isMainContent": True,
                   "digest": {"digestMethod": "sha_256", "digestValue": digest}})
    with pytest.raises(DigestDoNotMatch):
        match_documents(req, {"upfile1": document(data=PDF)})


def test_right_digest_is_accepted_with_or_without_padding():
    for value in (b64url_sha256(PDF), b64url_sha256(PDF) + "="):
        req = request({"httpPartName": "upfile1", "isMainContent": True,
                       "digest": {"digestMethod": "sha_256", "digestValue": value}})
        assert match_documents(req, {"upfile1": document(data=PDF)})
