"""The publication of a dropped package, one step per Lambda (statemachines/publication.asl.json).

The state passed between steps holds keys and metadata only, never document bytes:
  {"messageId", "sender", "metadata" (the messageToPublish JSON text), "received",
   "documents": [ReceivedDocument as dict], "claim": IdempotencyClaim as dict,
   "recipientHasDigitalEbox"?, "message"? (the stored record), "result"?}
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from ebox.domain.documents import sha256_b64url
from ebox.domain.drop_package import DropPackage, owner_of
from ebox.domain.errors import DuplicatePublication, InvalidSender
from ebox.domain.ids import new_message_id
from ebox.domain.message import ReceivedDocument
from ebox.domain.partitions import rules_from_dicts
from ebox.domain.ports import IdempotencyClaim
from ebox.domain.publication import (
    check_sender,
    compose_message,
    describe_for_search,
    index_message,
    store_content,
    validate_recipient,
)
from ebox.domain.publication_request import parse_message_to_publish
from ebox.domain.records import message_from_record, message_to_record
from ebox.domain.registry import Enterprise
from ebox.domain.validity import format_timestamp, parse_timestamp
from ebox.wiring import Services

State = dict[str, Any]


def ingest(event: dict[str, Any], services: Services) -> State:
    """Reads the dropped package, checks its sender against the prefix owner, stages its documents."""
    bucket = event["detail"]["bucket"]["name"]
    key = event["detail"]["object"]["key"]
    owner = owner_of(key)
    obj = services.client("s3").get_object(Bucket=bucket, Key=key)
    package = DropPackage(obj["Body"].read())
    metadata = package.metadata()
    request = parse_message_to_publish(metadata)
    check_sender(request, owner, services.registry)
    message_id = new_message_id()
    documents: list[ReceivedDocument] = []
    for entry, stream in package.documents():
        data = stream.read()
        staged_key = f"staging/{message_id}/{len(documents)}"
        services.content.stage(staged_key, io.BytesIO(data), media_type=entry.media_type, size=len(data))
        documents.append(
            ReceivedDocument(entry.name, entry.name.rsplit("/", 1)[-1], entry.media_type, len(data),
                             sha256_b64url(data), staged_key)
        )
    fingerprint = hashlib.sha256(metadata + "".join(d.sha256_b64url for d in documents).encode()).hexdigest()
    etag = event["detail"]["object"].get("etag") or obj.get("ETag", "").strip('"')
    claim = IdempotencyClaim(owner, request.sender.application_id, f"drop:{bucket}/{key}#{etag}", fingerprint)
    return {
        "messageId": message_id,
        "metadata": metadata.decode("utf-8"),
        "received": format_timestamp(datetime.now(UTC)),
        "documents": [asdict(d) for d in documents],
        "claim": asdict(claim),
    }


def validate_recipient_step(state: State, services: Services) -> State:
    request = parse_message_to_publish(state["metadata"])
    enterprise = validate_recipient(request.recipient.enterprise_number, services.registry)
    return {**state, "recipientHasDigitalEbox": enterprise.ebox_activated,
            "routingRules": [rule.to_dict() for rule in enterprise.routing_rules]}


def store_content_step(state: State, services: Services) -> State:
    request = parse_message_to_publish(state["metadata"])
    message_type = services.registry.message_type(request.message_type_id)
    if message_type is None:
        raise InvalidSender(f"message type '{request.message_type_id}' is no longer registered")
    recipient = Enterprise(
        enterprise_number=request.recipient.enterprise_number,
        name="",
        active=True,
        ebox_activated=bool(state["recipientHasDigitalEbox"]),
        routing_rules=tuple(rules_from_dicts(state.get("routingRules", []))),
    )
    documents = {d["part_name"]: ReceivedDocument(**d) for d in state["documents"]}
    message = compose_message(
        message_id=state["messageId"],
        request=request,
        message_type=message_type,
        recipient=recipient,
        received=parse_timestamp(state["received"], field_name="received"),
    )
    describe_for_search(message, message_type, services.registry)
    message = store_content(message, request, documents, services.content)
    return {**state, "message": message_to_record(message)}


def index_message_step(state: State, services: Services) -> State:
    message = message_from_record(state["message"])
    claim = IdempotencyClaim(**state["claim"])
    try:
        result = index_message(message, claim, services.index, services.events, services.evidence_signer)
    except DuplicatePublication as duplicate:
        # The same package was dropped again, or this step is retried: it is published once.
        if duplicate.message_id != message.message_id:
            services.content.discard_message(message)
        return {"messageId": duplicate.message_id, "expirationDate": duplicate.expiration_date, "duplicate": True}
    return {**result.to_response(), "duplicate": False}
