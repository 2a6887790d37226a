"""The bounds of ebox.domain.limits and where they apply, without I/O (the API's answers:
tests/integration/test_hostile_input.py)."""

import json

import pytest
from ebox.domain import access
from ebox.domain.consultation import page_request
from ebox.domain.documents import bytes_match_type
from ebox.domain.errors import InvalidClient, InvalidInput, PayloadTooLarge
from ebox.domain.limits import MAX_JSON_BYTES, check_idempotency_key, load_json, one_line
from ebox.domain.message_filter import parse_filter
from ebox.domain.notification import new_document_email
from ebox.domain.publication_request import parse_message_to_publish
from ebox.domain.registry import OAuthClient

from tests.fakes import message_json


@pytest.mark.parametrize("raw", [b"[" * 17 + b"]" * 17, b'{"a":' * 20 + b"1" + b"}" * 20, b"[" * 100_000])
def test_json_deeper_than_16_levels_is_refused_before_parsing(raw):
    with pytest.raises(InvalidInput, match="nests deeper"):
        load_json(raw, "the body")


def test_json_brackets_inside_strings_do_not_count():
    assert load_json(json.dumps({"s": "[[[[[[[[[[[[[[[[[[[[[[[["}), "x") == {"s": "[" * 24}


def test_json_larger_than_the_limit_is_413():
    with pytest.raises(PayloadTooLarge):
        load_json(b" " * (MAX_JSON_BYTES + 1), "the body")


def test_a_seventh_announced_document_is_refused_by_the_request_itself():
    attachments = [{"httpPartName": f"p{i}", "isMainContent": i == 0} for i in range(7)]
    with pytest.raises(InvalidInput, match="at most 6 documents"):
        parse_message_to_publish(json.dumps(message_json(attachments=attachments)))


@pytest.mark.parametrize("overrides", [
    {"businessDataList": [{"key": f"k{i}", "values": []} for i in range(51)]},
    {"businessDataList": [{"key": "k", "values": [{"fr": "v"}] * 11}]},
    {"businessDataList": [{"key": "k" * 101, "values": []}]},
    {"bodyContent": {"fr": "x" * 40_000, "nl": "y" * 40_000}},
    {"subject": {"fr": "a\u2028b"}},
    {"senderApplicationId": "a" * 101},
    {"expirationDate": "10000-01-01T00:00:00Z"},
])
def test_publication_request_limits(overrides):
    with pytest.raises(InvalidInput):
        parse_message_to_publish(json.dumps(message_json(**overrides)))


@pytest.mark.parametrize("media_type, head, ok", [
    ("application/pdf", b"%PDF-1.7\n", True),
    ("application/pdf", b"<html>", False),
    ("application/zip", b"PK\x03\x04rest", True),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"%PDF-1.4", False),
    ("application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", True),
    ("text/plain", "Bonjour, été".encode(), True),
    ("text/csv", b"a,b\x00c", False),
    ("text/html", b"%PDF-1.7 disguised", False),
])
def test_bytes_must_be_those_of_the_declared_type(media_type, head, ok):
    assert bytes_match_type(media_type, head) is ok


def test_result_window_is_bounded():
    assert page_request("100", "100") == (100, 100)
    with pytest.raises(InvalidInput, match="page × pageSize"):
        page_request("101", "100")


@pytest.mark.parametrize("params", [{"receivedAfter": "1999-12-31"}, {"expiredBefore": "3000-01-01T00:00:00Z"},
                                    {"receivedBefore": "0001-01-01T00:00:00+14:00"}])
def test_filter_dates_out_of_range_are_refused(params):
    with pytest.raises(InvalidInput, match="outside"):
        parse_filter(params)


@pytest.mark.parametrize("key", ["", " ", "x" * 129, "ключ", "a\nb"])
def test_idempotency_keys_are_short_printable_ascii(key):
    with pytest.raises(InvalidInput):
        check_idempotency_key(key)


def test_sender_strings_cannot_add_lines_to_an_e_mail():
    detail = {"messageId": "m1", "recipient": {"enterpriseNumber": "0852093431"}, "senderOrganizationId": "0406798006",
              "subject": {"fr": "Avis\r\nBcc: all@example.org\u2028X-Evil: 1"}, "receiptDate": "2026-01-01T00:00:00Z",
              "expirationDate": "2027-01-01T00:00:00Z"}
    mail = new_document_email(to="a@b.example", detail=detail, sender_name={"fr": "ONSS\nReply-To: x@evil.example"},
                              enterprise_name="Bakery\r\nCc: y@evil.example")
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert not [line for line in mail.text.splitlines() if line.startswith(("Bcc:", "Cc:", "Reply-To:", "X-Evil"))]
    assert one_line("a\x00b\x1bc") == "a b c"


def test_secrets_are_hashed_with_argon2id_and_old_pbkdf2_hashes_still_verify():
    stored = access.hash_secret("s3cret")
    assert stored.startswith("$argon2id$")
    assert access.secret_matches("s3cret", stored) and not access.secret_matches("S3cret", stored)
    assert access.secret_matches("s3cret", access.hash_secret("s3cret", iterations=1000))
    assert not access.secret_matches("s3cret", "$argon2id$garbage")


def test_an_unknown_client_costs_one_hash_check_as_a_known_one_does(monkeypatch):
    checked: list[str] = []
    real = access.secret_matches
    monkeypatch.setattr(access, "secret_matches", lambda secret, stored: checked.append(stored) or real(secret, stored))
    client = OAuthClient("known", access.hash_secret("s3cret"), "0406798006", frozenset())
    for candidate in (client, None):
        with pytest.raises(InvalidClient):
            access.authenticate_client(candidate, "wrong")
    assert len(checked) == 2 and all(stored.startswith("$argon2id$") for stored in checked)
