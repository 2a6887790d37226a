"""Rules about the documents of a publication: allowed types, digests, one main content."""

from __future__ import annotations

import hashlib

from ebox.domain.encoding import b64url_encode
from ebox.domain.errors import DigestDoNotMatch, InvalidInput
from ebox.domain.limits import has_line_breaks
from ebox.domain.message import MessageToPublish, ReceivedDocument

ALLOWED_MEDIA_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "text/csv",
        "text/html",
        "text/plain",
        "text/xml",
        "application/xml",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.oasis.opendocument.graphics",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",  # the e-Box team's own examples publish PNG and JPEG scans
        "image/jpeg",
    }
)
# What a file part sent as application/octet-stream (curl -F without ;type=, some HTTP libraries) is,
# by its file name's extension; only types the e-Box accepts.
MEDIA_TYPE_BY_EXTENSION = {
    "pdf": "application/pdf", "zip": "application/zip", "csv": "text/csv", "html": "text/html",
    "htm": "text/html", "txt": "text/plain", "xml": "text/xml", "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "odp": "application/vnd.oasis.opendocument.presentation",
    "odg": "application/vnd.oasis.opendocument.graphics", "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
}
GENERIC_MEDIA_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", ""})
MAX_FILE_NAME = 255
MAX_DOCUMENTS = 6
HEAD_BYTES = 512  # what the type check reads of a document

_PDF = (b"%PDF-",)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # zip, and the OpenDocument and Office Open XML formats built on it
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the Office 97-2003 formats
_PNG = (b"\x89PNG\r\n\x1a\n",)
_JPEG = (b"\xff\xd8\xff",)
_BINARY = _PDF + _ZIP + _OLE + _PNG + _JPEG
MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": _PDF,
    "application/zip": _ZIP,
    "application/vnd.oasis.opendocument.text": _ZIP,
    "application/vnd.oasis.opendocument.spreadsheet": _ZIP,
    "application/vnd.oasis.opendocument.presentation": _ZIP,
    "application/vnd.oasis.opendocument.graphics": _ZIP,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ZIP,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ZIP,
    "application/vnd.ms-excel": _OLE,
    "application/vnd.ms-powerpoint": _OLE,
    "application/msword": _OLE,
    "image/png": _PNG,
    "image/jpeg": _JPEG,
}


def bytes_match_type(media_type: str, head: bytes) -> bool:
    """Whether a document's first bytes are those of its declared type: the format's signature for binary
    formats; for text (CSV, HTML, XML, plain) no NUL byte and no binary format's signature."""
    signatures = MAGIC.get(media_type)
    if signatures is not None:
        return head.startswith(signatures)
    return b"\x00" not in head and not head.startswith(_BINARY)


def sha256_b64url(data: bytes) -> str:
    """The digest as the e-Box writes it: base64url (RFC 4648 §5) of the SHA-256, no padding."""
    return b64url_of_digest(hashlib.sha256(data).digest())


def b64url_of_digest(digest: bytes) -> str:
    return b64url_encode(digest)


def normalise_media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def media_type_of(content_type: str, file_name: str | None) -> str:
    """The part's media type; a generic one is replaced by what the file name's extension says."""
    media_type = normalise_media_type(content_type)
    if media_type in GENERIC_MEDIA_TYPES and file_name and "." in file_name:
        return MEDIA_TYPE_BY_EXTENSION.get(file_name.rsplit(".", 1)[1].lower(), media_type)
    return media_type


def is_plain_file_name(name: str) -> bool:
    """A file name, not a path, and one line (it reaches headers, e-mails and packages)."""
    return not has_line_breaks(name) and "/" not in name and "\\" not in name


def check_document(document: ReceivedDocument) -> None:
    if document.media_type not in ALLOWED_MEDIA_TYPES:
        raise InvalidInput(
            f"part '{document.part_name}': media type '{document.media_type}' is not allowed in an e-Box"
        )
    if not document.file_name or len(document.file_name) > MAX_FILE_NAME:
        raise InvalidInput(f"part '{document.part_name}': a file name of 1 to {MAX_FILE_NAME} characters is required")
    if not is_plain_file_name(document.file_name):
        raise InvalidInput(f"part '{document.part_name}': the file name may not hold a path or control characters")
    if document.size == 0:
        raise InvalidInput(f"part '{document.part_name}': the document is empty")
    if document.head is not None and not bytes_match_type(document.media_type, document.head):
        raise InvalidInput(f"part '{document.part_name}': its bytes are not those of a {document.media_type} document")


def match_documents(
    message: MessageToPublish, documents: dict[str, ReceivedDocument]
) -> list[tuple[ReceivedDocument, int]]:
    """Pairs each announced attachment with its part (by `httpPartName`), checking both ways.

    Returns (document, index in `attachments`) pairs in announcement order.
    """
    announced = [a.http_part_name for a in message.attachments]
    if len(announced) > MAX_DOCUMENTS or len(documents) > MAX_DOCUMENTS:
        raise InvalidInput(f"at most {MAX_DOCUMENTS} documents per message, got {max(len(announced), len(documents))}")
    unannounced = sorted(set(documents) - set(announced))
    if unannounced:
        raise InvalidInput(f"parts were sent but not announced in messageToPublish: {', '.join(unannounced)}")
    missing = [name for name in announced if name not in documents]
    if missing:
        raise InvalidInput(f"attachments announce parts that were not sent: {', '.join(missing)}")
    pairs = []
    for index, attachment in enumerate(message.attachments):
        document = documents[attachment.http_part_name]
        check_document(document)
        if attachment.digest_value is not None and attachment.digest_value.rstrip("=") != document.sha256_b64url:
            raise DigestDoNotMatch(
                f"part '{document.part_name}': SHA-256 of the bytes received is {document.sha256_b64url}, "
                f"the digest announced is {attachment.digest_value} (base64url of the SHA-256 is expected)"
            )
        pairs.append((document, index))
    return pairs
