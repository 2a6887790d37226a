import json

import pytest
from ebox.api.multipart_upload import PublicationUpload, read_publication
from ebox.domain.errors import InvalidInput, PayloadTooLarge

from tests.fakes import b64url_sha256

BOUNDARY = "----ebox-boundary"


def part(name, data, *, filename=None, content_type=None):
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode() + b"\r\n" + data + b"\r\n"


def body(*parts):
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def read(raw, *, chunk=7, max_bytes=10_000_000):
    staged = {}

    def stage(key, stream, media_type, size):
        staged[key] = (stream.read(), media_type, size)

    upload = PublicationUpload()
    read_publication((raw[i:i + chunk] for i in range(0, len(raw), chunk)), upload,
                     content_type=f"multipart/form-data; boundary={BOUNDARY}",
                     key_of=lambda number: f"messages/m/attachments/{number}", max_bytes=max_bytes)
    assert staged == {}  # reading stages nothing: the documents are checked first
    upload.stage_all(stage)
    return upload, staged


PDF = b"%PDF-1.7\r\n--not-a-boundary\r\n" + bytes(range(256)) * 40
META = json.dumps({"subject": {"fr": "x"}}).encode()


def test_documents_before_the_metadata_are_streamed_hashed_and_staged():
    upload, staged = read(body(part("upfile1", PDF, filename="a.pdf", content_type="application/pdf"),
                               part("messageToPublish", META, content_type="application/json")))
    assert upload.metadata == META
    doc = upload.documents["upfile1"]
    assert (doc.file_name, doc.media_type, doc.size) == ("a.pdf", "application/pdf", len(PDF))
    assert doc.sha256_b64url == b64url_sha256(PDF)
    assert staged[doc.staged_key] == (PDF, "application/pdf", len(PDF))


def test_metadata_first_works_the_same():
    upload, _ = read(body(part("messageToPublish", META), part("x", b"hello", filename="x.txt",
                                                              content_type="text/plain; charset=utf-8")))
    assert upload.documents["x"].media_type == "text/plain"


@pytest.mark.parametrize("raw, fragment", [
    (body(part("upfile1", PDF, filename="a.pdf")), "messageToPublish' is missing"),
    (body(part("messageToPublish", META), part("messageToPublish", META)), "sent twice"),
    (body(part("messageToPublish", META), part("a", b"1", filename="a"), part("a", b"2", filename="a")),
     "sent twice"),
    (part("messageToPublish", META), "closing boundary"),
    (b"garbage without boundaries", "closing boundary|malformed"),
])
def test_malformed_bodies_are_invalid_input(raw, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        read(raw)


def test_body_over_the_limit_is_payload_too_large():
    with pytest.raises(PayloadTooLarge):
        read(body(part("messageToPublish", META), part("a", PDF, filename="a.pdf")), max_bytes=1000)


def test_not_multipart_is_invalid_input():
    with pytest.raises(InvalidInput, match="multipart/form-data"):
        read_publication([b"{}"], PublicationUpload(), content_type="application/json", key_of=str,
                         max_bytes=100)


def test_a_seventh_document_is_refused_as_its_part_begins():
    parts = [part(f"f{i}", b"%PDF-1", filename=f"{i}.pdf", content_type="application/pdf") for i in range(7)]
    upload = PublicationUpload()
    with pytest.raises(InvalidInput, match="at most 6 documents"):
        read_publication([body(*parts)], upload, content_type=f"multipart/form-data; boundary={BOUNDARY}",
                         key_of=str, max_bytes=10**6)
    assert len(upload.documents) == 6 and upload.staged == []
    upload.close()


def test_a_document_keeps_its_first_bytes_for_the_type_check():
    upload, _ = read(body(part("messageToPublish", META), part("a", PDF, filename="a.pdf")))
    assert upload.documents["a"].head == PDF[:512]



def test_part_and_file_names_beyond_latin_1_are_read_as_utf_8_not_a_server_error():
    """Browsers send a part's name and file name as raw UTF-8: found by schemathesis, this was a 500."""
    upload, _ = read(body(part("messageToPublish", META),
                          part("pièce-𝔸", b"hello", filename="報告 €.txt", content_type="text/plain")))
    document = upload.documents["pièce-𝔸"]
    assert (document.file_name, document.media_type) == ("報告 €.txt", "text/plain")


def test_a_content_type_beyond_latin_1_is_invalid_input():
    with pytest.raises(InvalidInput, match="latin-1"):
        read_publication([b""], PublicationUpload(), content_type="multipart/form-data; boundary=€",
                         key_of=str, max_bytes=100)
