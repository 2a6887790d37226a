"""A publication request (v3, or v2 `publishMessage`), from HTTP body to PublicationResult: both wire
formats are read into the same MessageToPublish and published by the same use case."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import IO, Protocol

from ebox import observability
from ebox.api.multipart_upload import PublicationUpload, read_publication
from ebox.domain.access import Principal
from ebox.domain.clock import now
from ebox.domain.documents import match_documents
from ebox.domain.encoding import ascii_digits
from ebox.domain.errors import EboxError, InvalidInput, PayloadTooLarge
from ebox.domain.ids import document_key, new_attachment_id, new_message_id
from ebox.domain.limits import check_idempotency_key
from ebox.domain.message import MessageToPublish, ReceivedDocument
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import PublicationResult, publish
from ebox.domain.publication_request import parse_message_to_publish
from ebox.domain.publication_request_v2 import parse_v2_message_to_publish
from ebox.domain.uploads import upload_key
from ebox.wiring import Services

CHUNK = 256 * 1024


def _chunks(body: bytes) -> Iterator[bytes]:
    view = memoryview(body)
    for start in range(0, len(view), CHUNK):
        yield bytes(view[start : start + CHUNK])


def _fingerprint(upload: PublicationUpload) -> str:
    digest = hashlib.sha256(upload.metadata or b"")
    for name in sorted(upload.documents):
        digest.update(f"\n{name}:{upload.documents[name].sha256_b64url}".encode())
    return digest.hexdigest()


def receive_upload(headers: Mapping[str, str], body: bytes | None, services: Services,
                   message_id: str) -> PublicationUpload:
    """The multipart body read into a PublicationUpload: its files spooled, each named by the final key it
    will be put at under the message id, nothing written yet (see stage_upload)."""
    config = services.config
    declared = headers.get("content-length")
    if declared and ascii_digits(declared) and int(declared) > config.max_request_bytes:
        raise PayloadTooLarge(f"a publication may not exceed {config.max_request_bytes} bytes")
    upload = PublicationUpload()
    try:
        read_publication(_chunks(body or b""), upload, content_type=_with_boundary(headers.get("content-type"), body),
                         # Each document goes once to its final key: no staging copy to promote (decision 0010).
                         key_of=lambda _number: document_key(message_id, new_attachment_id()),
                         max_bytes=config.max_request_bytes)
    except Exception:
        upload.close()
        raise
    return upload


def _with_boundary(content_type: str | None, body: bytes | None) -> str | None:
    """`multipart/form-data` without its boundary (what Postman sends when the Content-Type header is
    typed in by hand, as the e-Box team's examples do): the boundary is the body's first line."""
    if not content_type or "boundary=" in content_type.lower():
        return content_type
    if content_type.split(";", 1)[0].strip().lower() != "multipart/form-data" or not body:
        return content_type
    first_line = body[:200].split(b"\r\n", 1)[0]
    boundary = first_line[2:].decode("latin-1").strip()
    if not first_line.startswith(b"--") or not boundary or any(c in boundary for c in '"; '):
        return content_type
    return f"multipart/form-data; boundary={boundary}"


def _read_metadata(metadata: bytes, wire: str, principal: Principal) -> MessageToPublish:
    if wire == "v2":
        return parse_v2_message_to_publish(metadata, token_organization=principal.organization)
    return parse_message_to_publish(metadata)


def _add_uploaded_documents(request: MessageToPublish, upload: PublicationUpload, principal: Principal,
                            services: Services) -> None:
    """Documents named by `uploadId` join the file parts, read and hashed by the service before anything
    is published (a part and an upload under the same name is INVALID_INPUT). A body with a part that is
    not announced is refused as it is (match_documents): no upload is read for a refused publication."""
    if not set(upload.documents) <= {a.http_part_name for a in request.attachments}:
        return
    for attachment in request.attachments:
        if attachment.upload_id is None:
            continue
        if attachment.http_part_name in upload.documents:
            raise InvalidInput(f"'{attachment.http_part_name}' is both a file part and an uploadId")
        key = upload_key(principal.organization, attachment.upload_id)
        upload.documents[attachment.http_part_name] = services.document_uploads.received(
            key, attachment.http_part_name)


class StagingArea(Protocol):
    def stage(self, key: str, stream: IO[bytes], *, media_type: str, size: int) -> None: ...

    def discard_staged(self, documents: list[ReceivedDocument]) -> None: ...


def stage_upload(upload: PublicationUpload, request: MessageToPublish, content: StagingArea) -> None:
    """Checks the documents against what ``request`` announces (parts, count, names, types, digests), then
    puts each one at its final key (store_content then attaches it there, with no further call): a refused
    publication writes nothing."""
    try:
        match_documents(request, upload.documents)
        upload.stage_all(lambda key, stream, media_type, size: content.stage(key, stream, media_type=media_type,
                                                                             size=size))
    except Exception:
        upload.close()
        content.discard_staged(upload.staged)
        raise


def idempotency_claim(headers: Mapping[str, str], upload: PublicationUpload, *, organization_id: str,
                      application_id: str, salt: str = "") -> IdempotencyClaim | None:
    """The `Idempotency-Key` header as a claim of (organisation, application); None without the header."""
    key = headers.get("idempotency-key")
    if key is None:
        return None
    key = check_idempotency_key(key)
    fingerprint = _fingerprint(upload)
    if salt:
        fingerprint = hashlib.sha256(f"{salt}\n{fingerprint}".encode()).hexdigest()
    return IdempotencyClaim(organization_id=organization_id, application_id=application_id, key=key,
                            request_fingerprint=fingerprint)


def publish_request(
    headers: Mapping[str, str], body: bytes | None, principal: Principal, services: Services, *, wire: str = "v3"
) -> PublicationResult:
    """Publishes, counted as `Published` or `Refused` (by code); every log line of it names the message.
    ``wire``: "v3" (`POST /messageRegistry/v3/ebox/messages`) or "v2" (`POST …/v2/publishMessage`)."""
    message_id = new_message_id()
    with observability.about(message_id=message_id):
        try:
            result = _publish(headers, body, principal, services, message_id=message_id, wire=wire)
        except EboxError as refusal:
            observability.count(observability.REFUSED, code=refusal.code)
            raise
    observability.count(observability.PUBLISHED)
    return result


def _publish(headers: Mapping[str, str], body: bytes | None, principal: Principal, services: Services,
             *, message_id: str, wire: str) -> PublicationResult:
    if "idempotency-key" in headers:
        check_idempotency_key(headers["idempotency-key"])  # before the body is read
    content = services.content
    upload = receive_upload(headers, body, services, message_id)
    try:
        request = _read_metadata(upload.metadata or b"", wire, principal)
        _add_uploaded_documents(request, upload, principal, services)
        claim = idempotency_claim(headers, upload, organization_id=request.sender.enterprise_number,
                                  application_id=request.sender.application_id)
    except Exception:
        upload.close()
        raise
    try:
        match_documents(request, upload.documents)
    except EboxError:  # left to publish, which refuses it with a signed SubmissionRejection; nothing staged
        upload.close()
    else:
        stage_upload(upload, request, content)
    return publish(
        request=request,
        documents=upload.documents,
        authenticated_org=principal.organization,
        claim=claim,
        message_id=message_id,
        received=now(),
        ports=services.publication_ports((request.sender.enterprise_number, request.recipient)),
    )
