"""A v3 publication request, from HTTP body to PublicationResult."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from ebox.api.multipart_upload import PublicationUpload, read_publication
from ebox.domain.access import Principal
from ebox.domain.errors import InvalidInput, PayloadTooLarge
from ebox.domain.ids import document_key, new_attachment_id, new_message_id
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import PublicationPorts, PublicationResult, publish
from ebox.domain.publication_request import parse_message_to_publish
from ebox.wiring import Services

CHUNK = 256 * 1024
MAX_IDEMPOTENCY_KEY = 128


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
    """The multipart body read into a PublicationUpload, each file put at its final key under the message id
    (and deleted again if the publication is refused)."""
    content = services.content
    config = services.config
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > config.max_request_bytes:
        raise PayloadTooLarge(f"a publication may not exceed {config.max_request_bytes} bytes")
    upload = PublicationUpload()
    try:
        read_publication(
            _chunks(body or b""),
            upload,
            content_type=headers.get("content-type"),
            staging_prefix=f"staging/{message_id}",
            # Each document goes once to its final key: no staging copy to promote (decision 0010).
            name_part=lambda _number: document_key(message_id, new_attachment_id()),
            stage=lambda key, stream, media_type, size: content.stage(key, stream, media_type=media_type, size=size),
            max_bytes=config.max_request_bytes,
        )
    except Exception:
        content.discard_staged(list(upload.documents.values()))
        raise
    return upload


def idempotency_claim(headers: Mapping[str, str], upload: PublicationUpload, *, organization_id: str,
                      application_id: str, salt: str = "") -> IdempotencyClaim | None:
    """The `Idempotency-Key` header as a claim of (organisation, application); None without the header."""
    key = headers.get("idempotency-key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters")
    fingerprint = _fingerprint(upload)
    if salt:
        fingerprint = hashlib.sha256(f"{salt}\n{fingerprint}".encode()).hexdigest()
    return IdempotencyClaim(organization_id=organization_id, application_id=application_id, key=key.strip(),
                            request_fingerprint=fingerprint)


def publish_request(
    headers: Mapping[str, str], body: bytes | None, principal: Principal, services: Services
) -> PublicationResult:
    message_id = new_message_id()
    content = services.content
    upload = receive_upload(headers, body, services, message_id)
    try:
        request = parse_message_to_publish(upload.metadata or b"")
        claim = idempotency_claim(headers, upload, organization_id=request.sender.enterprise_number,
                                  application_id=request.sender.application_id)
    except Exception:
        content.discard_staged(list(upload.documents.values()))
        raise
    return publish(
        request=request,
        documents=upload.documents,
        authenticated_org=principal.enterprise_number,
        claim=claim,
        message_id=message_id,
        received=datetime.now(UTC),
        ports=PublicationPorts(services.registry, content, services.index, services.events, services.record_signer),
    )
