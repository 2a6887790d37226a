"""The CLI's pure parts: digests as the e-Box and HTTP headers write them, safe file names, media types."""

from __future__ import annotations

import base64
import hashlib

import pytest
from ebox_cli.digests import header_digest, sha256_b64url
from ebox_cli.downloads import safe_file_name
from ebox_cli.output import pick
from ebox_cli.publication import media_type_of

DATA = b"%PDF-1.7 the notice"
RAW = hashlib.sha256(DATA).digest()


def test_the_digest_is_unpadded_base64url_of_the_sha256():
    assert sha256_b64url(DATA) == base64.urlsafe_b64encode(RAW).decode().rstrip("=")
    assert sha256_b64url(b"") == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"


@pytest.mark.parametrize("headers", [
    {"Repr-Digest": f"sha-256=:{base64.b64encode(RAW).decode()}:"},
    {"Digest": f"sha-256={base64.urlsafe_b64encode(RAW).decode().rstrip('=')}"},
    {"Digest": f"SHA-256={base64.b64encode(RAW).decode()}, md5=abc"},
    {"Repr-Digest": f"sha-512=:AAAA:, sha-256=:{base64.b64encode(RAW).decode()}:"},
])
def test_digest_headers_are_read_whatever_their_base64(headers):
    assert header_digest(headers) == sha256_b64url(DATA)


def test_no_sha256_header_is_no_digest():
    assert header_digest({"Repr-Digest": "sha-512=:AAAA:"}) is None
    assert header_digest({}) is None


@pytest.mark.parametrize(("name", "safe"), [
    ("avis.pdf", "avis.pdf"), ("../../etc/passwd", "passwd"), ("C:\\temp\\avis.pdf", "avis.pdf"),
    ("..", "att1"), (".hidden", "hidden"), ("", "att1"), ("a\x00b\n.pdf", "ab.pdf"),
])
def test_saved_names_stay_inside_the_directory(name, safe):
    assert safe_file_name(name, "att1") == safe


@pytest.mark.parametrize(("name", "media_type"), [
    ("avis.pdf", "application/pdf"), ("AVIS.PDF", "application/pdf"), ("a.csv", "text/csv"),
    ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("a.unknown-type", "application/octet-stream"),
])
def test_media_types_are_guessed_from_the_extension(name, media_type):
    assert media_type_of(name) == media_type


def test_text_falls_back_to_another_language():
    assert pick({"nl": "Bericht", "fr": "Avis"}, "fr") == "Avis"
    assert pick({"nl": "Bericht", "de": "Nachricht"}, "fr") == "Bericht"
    assert pick({}, "fr") == ""
