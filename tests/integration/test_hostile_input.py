"""Hostile and careless input through the API: a clear 4xx StatusMessage, never a 5xx, and a refused
publication writes nothing (not even a staged document). Limits themselves: tests/unit/test_limits.py."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from tests.apigw import PDF, multipart, part, publication
from tests.fakes import b64url_sha256, message_json
from tests.integration.test_large_documents_api import ask, described
from tests.integration.test_publication_v2_api import FILES, V2, v2_message

EBOX = "/messageRegistry/v2/ebox"


@pytest.fixture
def s3_writes(stack):
    """The writes to the documents' bucket made from now on (operation names), seen on the content
    store's own client (the evidence archive's writes of earlier tests' records go elsewhere)."""
    seen: list[str] = []

    def record(model, params, **_):
        if model.name in ("PutObject", "CreateMultipartUpload", "UploadPart", "CopyObject") \
                and params.get("Bucket") == stack.content_bucket:
            seen.append(model.name)

    stack.s3.meta.events.register("before-parameter-build.s3", record)
    yield seen
    stack.s3.meta.events.unregister("before-parameter-build.s3", record)


def documents(count: int, *, announced: int | None = None, media_type: str = "application/pdf",
              data: bytes = PDF) -> bytes:
    names = [f"upfile{i}" for i in range(1, count + 1)]
    attachments = [{"httpPartName": n, "isMainContent": i == 0} for i, n in enumerate(names[: announced or count])]
    meta = message_json(attachments=attachments)
    parts = [part(n, data, filename=f"{n}.pdf", content_type=media_type) for n in names]
    return multipart(*parts, part("messageToPublish", json.dumps(meta).encode(), content_type="application/json"))


@pytest.mark.parametrize("body, fragment", [
    (documents(7), "at most 6 documents"),
    (documents(2, announced=1), "not announced"),
    (documents(1, data=b"MZ\x90\x00 an executable"), "not those of a application/pdf"),
    (documents(1, media_type="application/msword"), "not those of a application/msword"),
    (publication().replace(b'filename="avis.pdf"', b'filename="' + b"a" * 300 + b'.pdf"'), "file name of 1 to 255"),
])
def test_a_refused_document_is_never_uploaded(api, sender_token, s3_writes, body, fragment):
    answer = api.publish(sender_token, body)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", answer.body
    assert fragment in answer.json()["message"]
    assert s3_writes == []


@pytest.mark.parametrize("overrides, fragment", [
    ({"subject": {"fr": "x" * 401}}, "longer than 400"),
    ({"subject": {"fr": "Avis\r\nBcc: everyone@example.org"}}, "one line"),
    ({"businessDataList": [{"key": "k", "values": [{"fr": "v" * 257}]}]}, "longer than 256"),
    ({"bodyContent": {"fr": "é" * 40_000}}, "bodyContent is larger"),
    ({"messageTypeId": "t" * 5000}, "at most 100"),
    ({"expirationDate": "9999-12-31T23:59:59+14:00"}, "outside"),
    ({"expirationDate": "0001-01-01T00:00:00-14:00"}, "outside"),
])
def test_limits_of_a_publication_answer_400(api, sender_token, s3_writes, overrides, fragment):
    answer = api.publish(sender_token, publication(**overrides))
    assert answer.status == 400 and fragment in answer.json()["message"], answer.body
    assert s3_writes == []


def test_json_too_deep_or_too_large_is_refused(api, sender_token, enterprise_token):
    deep = multipart(part("messageToPublish", b"[" * 100_000 + b"]" * 100_000, content_type="application/json"))
    answer = api.publish(sender_token, deep)
    assert answer.status in (400, 413) and answer.json()["code"] in ("INVALID_INPUT", "PAYLOAD_TOO_LARGE")
    nested = b'{"numbers": ' + b"[" * 50 + b"1" + b"]" * 50 + b"}"
    for body in (nested, b"[" * 5000 + b"]" * 5000):
        answer = api.call("POST", "/federation/v1/eboxPreferences/search", body=body,
                          headers={"Authorization": f"Bearer {sender_token}", "Content-Type": "application/json"})
        assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", answer.body


@pytest.mark.parametrize("key", ["k" * 129, "  ", "clé-accentuée", "a\tb"])
def test_a_bad_idempotency_key_is_refused(api, sender_token, key):
    answer = api.publish(sender_token, publication(), idempotency_key=key)
    assert answer.status == 400 and "Idempotency-Key" in answer.json()["message"]


@pytest.mark.parametrize("query", [
    {"page": "1000", "pageSize": "100"}, {"page": "9" * 5000}, {"receivedAfter": "0001-01-01T00:00:00+14:00"},
    {"receivedBefore": "9999-12-31"}, {"expiredAfter": "2026-02-30"},
])
def test_inbox_bounds_answer_400(api, enterprise_token, query):
    answer = api.get(enterprise_token, f"{EBOX}/messages", query)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", answer.body


@pytest.mark.parametrize("q", [".*", "(a|b)+$", "[", "\\", "%", "' OR 1=1 --", "a" * 100])
def test_any_search_text_is_literal(api, sender_token, enterprise_token, q):
    api.publish(sender_token, publication())
    answer = api.get(enterprise_token, f"{EBOX}/messages", {"q": q})
    assert answer.status == 200 and answer.json()["items"] == []


def _token(header: dict, claims: dict, key: bytes = b"k") -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing}.{b64(key)}"


def _hs256(header: dict, claims: dict, secret: bytes) -> str:
    import hashlib
    import hmac

    unsigned = _token(header, claims).rsplit(".", 1)[0]
    signature = hmac.new(secret, unsigned.encode(), hashlib.sha256).digest()
    return f"{unsigned}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_malformed_and_wrong_algorithm_tokens_are_401(api, enterprise_token):
    header = jwt.get_unverified_header(enterprise_token)
    claims = jwt.decode(enterprise_token, options={"verify_signature": False})
    public = json.dumps(api.get(enterprise_token, "/oauth/jwks").json()["keys"][0]).encode()
    forged = [
        _token({**header, "alg": "none"}, claims, b""),
        _hs256({**header, "alg": "HS256"}, claims, public),  # the key confusion: the public key as HMAC secret
        _token({**header, "alg": "RS256"}, claims),
        _token({**header, "kid": ["a", "b"]}, claims),
        _token({"alg": "ES256"}, claims),
        "not.a.token", "a" * 10_000, "...", enterprise_token[:-4] + "AAAA",
    ]
    for token in forged:
        answer = api.get(token, EBOX)
        assert answer.status == 401 and answer.json()["code"] == "UNAUTHORIZED", (token[:60], answer.body)


def test_documents_are_served_unsniffed_and_html_sandboxed(api, sender_token, enterprise_token):
    html = b"<html><script>alert(document.cookie)</script></html>"
    meta = message_json(attachments=[{"httpPartName": "page", "isMainContent": True,
                                      "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(html)}}])
    body = multipart(part("page", html, filename="page.html", content_type="text/html"),
                     part("messageToPublish", json.dumps(meta).encode(), content_type="application/json"))
    message_id = api.publish(sender_token, body).json()["messageId"]
    [attachment] = api.get(enterprise_token, f"{EBOX}/messages/{message_id}/attachments").json()["items"]
    served = api.get(enterprise_token, attachment["contentHref"])
    assert served.status == 200 and served.body == html
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"].startswith("sandbox")
    assert served.headers["content-disposition"].startswith("attachment")


def _v2(message: dict, files: list[tuple[str, str]], **kinds: tuple[str, bytes]) -> bytes:
    """A v2 `publishMessage` body: the files by name from the v2 tests' FILES, or given as ``kinds``."""
    known = {**FILES, **kinds}
    parts = [part(name, known[file_name][1], filename=file_name, content_type=known[file_name][0])
             for name, file_name in files]
    return multipart(part("messageToPublish", json.dumps(message).encode()), *parts)


ONE_PDF = [("upfile1", "PDFTestFile.pdf")]
SEVEN = [(f"upfile{i}", "PDFTestFile.pdf") for i in range(1, 8)]


@pytest.mark.parametrize("body, fragment", [
    (_v2(v2_message(attachments=[{"httpPartName": n, "mainContent": n == "upfile1"} for n, _ in SEVEN]), SEVEN),
     "at most 6 documents"),
    (_v2(v2_message(), [*ONE_PDF, ("upfile2", "PDFTestFile.pdf")]), "not announced"),
    (_v2(v2_message(), [("upfile1", "fake.pdf")], **{"fake.pdf": ("application/pdf", b"MZ\x90\x00 an exe")}),
     "not those of a application/pdf"),
    (_v2(v2_message(), [("upfile1", "a" * 300 + ".pdf")], **{"a" * 300 + ".pdf": ("application/pdf", PDF)}),
     "file name of 1 to 255"),
    (_v2(v2_message(subject={"nl": "x" * 401}), ONE_PDF), "longer than 400"),
    (_v2(v2_message(subject={"nl": "Avis\r\nBcc: everyone@example.org"}), ONE_PDF), "one line"),
    (_v2(v2_message(businessDataList=[{"key": "k", "values": [{"nl": "v" * 257}]}]), ONE_PDF), "longer than 256"),
    (_v2(v2_message(bodyContent={"nl": "é" * 40_000}), ONE_PDF), "bodyContent is larger"),
    (_v2(v2_message(messageTypeId="t" * 5000), ONE_PDF), "at most 100"),
    (_v2(v2_message(expirationDate="9999-12-31T23:59:59+14:00"), ONE_PDF), "outside"),
])
def test_v2_publish_message_has_the_same_limits_before_any_write(api, sender_token, s3_writes, body, fragment):
    answer = api.publish(sender_token, body, path=V2)
    assert answer.status == 400 and answer.json()["code"] == "INVALID_INPUT", answer.body
    assert fragment in answer.json()["message"]
    assert s3_writes == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "a\\b.pdf", "avis\r\nBcc: x.pdf"])
def test_an_upload_s_file_name_is_a_plain_name(api, sender_token, name):
    answer = ask(api, sender_token, described(PDF, name=name))
    assert (answer.status, answer.json()["code"]) == (400, "INVALID_INPUT") and "path" in answer.json()["message"]
