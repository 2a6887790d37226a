"""The API's own OpenAPI 3.1 document, served at `GET /openapi.json`: every route, the scope it needs, its
answers and the e-Box `StatusMessage` of each error. A test keeps it equal to the routes the app has
(tests/unit/test_openapi.py) and schemathesis checks the answers against it (tests/integration/test_schema.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ebox.api.openapi_schemas import SCHEMAS, multipart_publication, ref
from ebox.domain import access

JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"
ANY_PRINCIPAL = "any"  # an access token of any scope (the route checks who the caller is)


@dataclass(frozen=True)
class Operation:
    summary: str
    scope: str | None  # None: public; ANY_PRINCIPAL; else the scope the token must carry
    ok: int = 200
    body: str | None = None  # the request's media type
    errors: tuple[int, ...] = ()
    binary: bool = False  # the answer is a document's bytes
    citizen: bool = False  # only a citizen's own token (a person, not a provider nor an enterprise)
    request: str | None = None  # the request body's schema (openapi_schemas.SCHEMAS), if described
    answer: str | None = None  # the success answer's schema, if described
    query: tuple[str, ...] = ()  # the query parameters it reads
    body_required: bool = True  # False: the body may be left out


_SUMMARY, _FULL, _REF, _PUB = access.SUMMARY_OWN_EBOX, access.MESSAGES_FULL, access.REFERENCE_DATA, access.PUBLISH
_OPS = access.OPERATOR
_READ = (404,)
_WRITE = (400, 404, 413)
V2, V3 = "/messageRegistry/v2", "/messageRegistry/v3"
MESSAGE_V2, MESSAGE_V3 = V2 + "/ebox/messages/{messageId}", V3 + "/ebox/messages/{messageId}"
REF = V2 + "/referenceData"
CONSENTS = V3 + "/ebox/providerConsents"
ADMIN = "/admin/v1"
SENDER_REQUESTS, SENDER = ADMIN + "/sender-requests", ADMIN + "/senders/{organizationId}"
CALLBACKS = V3 + "/callbacks"
MESSAGE_FILTERS = ("page", "pageSize", "q", "qlang", "partition", "receivedBefore", "receivedAfter", "expiredBefore",
                   "expiredAfter", "readStatus", "visible", "messageTypeId", "senderOrganizationId",
                   "senderApplicationId", "registeredMail", "originalMessageId", "forAction", "overdue")
SENT_FILTERS = ("pageSize", "before", "readStatus", "deliveryState", "actionStatus", "receivedAfter",
                "receivedBefore")
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/health"): Operation("Liveness", None),
    ("GET", "/openapi.json"): Operation("This document", None),
    ("POST", "/oauth/token"): Operation("An access token (client credentials)", None, body=FORM, errors=(400, 401)),
    ("GET", "/oauth/jwks"): Operation("The access tokens' public keys", None),
    ("GET", "/evidence/keys"): Operation("The evidence records' public keys", None),
    ("GET", "/evidence/keys/{kid}"): Operation("One evidence key, archived or not", None, errors=_READ),
    ("POST", V3 + "/ebox/messages"): Operation("Publish a message (v3, multipart)", _PUB, 201, MULTIPART,
                                               (400, 409, 413, 422), answer="PublicationStatusMessage"),
    ("POST", V2 + "/publishMessage"): Operation("Publish a message (v2 field names, multipart)", _PUB, 201,
                                                MULTIPART, (400, 409, 413, 422), answer="PublicationStatusMessage"),
    ("POST", V3 + "/ebox/uploads"): Operation("Pre-signed uploads for large documents", _PUB, 201, JSON,
                                              (400, 413), request="UploadRequest", answer="Uploads"),
    ("GET", V3 + "/recipients/{enterpriseNumber}"): Operation("Look a recipient up before publishing", _PUB,
                                                              errors=(400, 404)),
    ("POST", V2 + "/searchMessageStatus"): Operation("Status of messages sent", _PUB, body=JSON, errors=(400, 413),
                                                     request="StatusQueries"),
    ("GET", V2 + "/ebox"): Operation("The e-Box summary", _SUMMARY, answer="Ebox"),
    ("GET", V2 + "/ebox/messages"): Operation("The inbox: filters, search, pages", _FULL, errors=(400,),
                                              answer="Messages", query=MESSAGE_FILTERS),
    ("PATCH", V2 + "/ebox/messages"): Operation("Hide or show messages", _FULL, body=JSON, errors=_WRITE,
                                                request="MessagesToUpdate"),
    ("GET", MESSAGE_V2): Operation("One message", _FULL, errors=_READ, answer="Message"),
    ("GET", MESSAGE_V2 + "/attachments"): Operation("A message's documents", _FULL, errors=_READ,
                                                    answer="Attachments"),
    ("GET", MESSAGE_V2 + "/attachments/{attachmentId}"): Operation("One document's description", _FULL,
                                                                   errors=(403, 404), answer="Attachment"),
    ("GET", MESSAGE_V2 + "/attachments/{attachmentId}/content"): Operation("One document's bytes", _FULL,
                                                                           errors=(303, 403, 404), binary=True),
    ("GET", MESSAGE_V2 + "/body"): Operation("A message's body", _FULL, errors=(403, 404)),
    ("POST", MESSAGE_V3 + "/acceptance"): Operation("Accept or refuse qualified mail", _FULL, 202, JSON,
                                                    (400, 404, 409, 413), request="Acceptance"),
    ("GET", MESSAGE_V3 + "/evidences"): Operation("A message's signed evidence", ANY_PRINCIPAL, errors=_READ,
                                                  answer="Evidences"),
    ("POST", MESSAGE_V3 + "/replies"): Operation("Reply to a message (multipart)", _FULL, 201, MULTIPART,
                                                 (400, 403, 404, 409, 413, 422, 429)),
    ("PUT", MESSAGE_V3 + "/action"): Operation("Mark a message's action done", _FULL, body=JSON,
                                               errors=(400, 403, 404, 413)),
    ("POST", V3 + "/ebox/downloads"): Operation("Ask for a bulk download", _FULL, 202, JSON, (400, 404, 413)),
    ("GET", V3 + "/ebox/downloads/{downloadId}"): Operation("A bulk download's status", _FULL, errors=_READ),
    ("GET", V3 + "/ebox/partitions"): Operation("The e-Box's partitions", _FULL),
    ("POST", V3 + "/ebox/partitions"): Operation("Create or rename a partition", _FULL, 201, JSON, (400, 413)),
    ("GET", V3 + "/ebox/users"): Operation("The e-Box's people", _FULL),
    ("PUT", V3 + "/ebox/users/{ssin}"): Operation("Grant a person rights", _FULL, body=JSON, errors=(400, 404, 413)),
    ("GET", V3 + "/ebox/users/{ssin}/notificationPreferences"): Operation("A person's notification preference",
                                                                          _FULL, errors=(400, 404)),
    ("PUT", V3 + "/ebox/users/{ssin}/notificationPreferences"): Operation("Set a notification preference", _FULL,
                                                                          body=JSON, errors=(400, 404, 413)),
    ("DELETE", V3 + "/ebox/users/{ssin}/notificationPreferences"): Operation("Forget a notification preference",
                                                                             _FULL, 204, errors=(400, 404)),
    ("GET", V3 + "/ebox/routingRules"): Operation("The routing rules", _FULL),
    ("PUT", V3 + "/ebox/routingRules"): Operation("Replace the routing rules", _FULL, body=JSON, errors=(400, 413)),
    ("GET", REF + "/messageTypes"): Operation("Message types", _REF, errors=(400,)),
    ("GET", REF + "/messageTypes/{messageTypeId}"): Operation("One message type", _REF, errors=_READ),
    ("GET", REF + "/senderOrganizations"): Operation("Sender organisations", _REF, errors=(400,)),
    ("GET", REF + "/senderOrganizations/{senderOrganizationId}"): Operation("One sender organisation", _REF,
                                                                            errors=_READ),
    ("GET", REF + "/senderApplications"): Operation("Sender applications", _REF, errors=(400,)),
    ("GET", REF + "/senderApplications/{senderApplicationId}"): Operation("One sender application", _REF,
                                                                          errors=_READ),
    ("POST", "/federation/v1/eboxPreferences/search"): Operation("Digital-only preferences of enterprises",
                                                                 ANY_PRINCIPAL, body=JSON, errors=(400, 413)),
    ("PATCH", "/federation/v1/eboxPreferences"): Operation("Set the e-Box's digital-only preference", _SUMMARY,
                                                           body=JSON, errors=(400, 413)),
    ("GET", "/federation/v1/messageProviders"): Operation("Message providers", ANY_PRINCIPAL),
    ("GET", "/federation/v1/messageProviders/{messageProviderId}"): Operation("One message provider",
                                                                              ANY_PRINCIPAL, errors=_READ),
    ("GET", CONSENTS): Operation("A citizen's consents to providers", ANY_PRINCIPAL, citizen=True),
    ("PUT", CONSENTS + "/{messageProviderId}"): Operation("Consent to a provider", ANY_PRINCIPAL, errors=_READ,
                                                          citizen=True),
    ("DELETE", CONSENTS + "/{messageProviderId}"): Operation("Revoke a consent", ANY_PRINCIPAL, 204, citizen=True),
    ("POST", "/bulk/v1/batches/{batchId}/upload"): Operation("An upload URL for a batch", _PUB, 201,
                                                             errors=(400, 409)),
    ("GET", "/bulk/v1/batches/{batchId}"): Operation("A batch's progress", _PUB, errors=(400, 404)),
    ("DELETE", "/bulk/v1/batches/{batchId}"): Operation("Cancel a scheduled batch", _PUB, errors=(400, 404, 409)),
    ("GET", "/bulk/v1/batches/{batchId}/results"): Operation("A batch's report", _PUB, errors=(400, 404, 409)),
    ("GET", V3 + "/sentMessages"): Operation("What the sender published, newest first, with each one's status",
                                             _PUB, errors=(400,), query=SENT_FILTERS),
    ("GET", V3 + "/sentMessages/{messageId}"): Operation("One message the sender published, with its status",
                                                         _PUB, errors=_READ),
    ("GET", ADMIN + "/terms"): Operation("The terms of use a sender accepts", None),
    ("POST", SENDER_REQUESTS): Operation("Ask to become a sender (accepting the terms of use)", None, 201, JSON,
                                         (400, 409, 413, 429)),
    ("GET", SENDER_REQUESTS): Operation("Requests to become a sender", _OPS, errors=(400,), query=("status",)),
    ("GET", SENDER_REQUESTS + "/{requestId}"): Operation("One request to become a sender", _OPS, errors=_READ),
    ("POST", SENDER_REQUESTS + "/{requestId}/approve"): Operation("Approve a request: the sender's registry "
                                                                  "entries and client (ours, or an external "
                                                                  "IdP's client id)", _OPS, body=JSON,
                                                                  errors=(400, 404, 409, 413), request="Approval",
                                                                  body_required=False),
    ("POST", SENDER_REQUESTS + "/{requestId}/refuse"): Operation("Refuse a request, with a reason", _OPS, body=JSON,
                                                                 errors=(400, 404, 409, 413)),
    ("POST", SENDER + "/suspend"): Operation("Suspend a sender's publications", _OPS, body=JSON,
                                             errors=(400, 404, 413)),
    ("POST", SENDER + "/reinstate"): Operation("Lift a sender's suspension", _OPS, errors=(400, 404)),
    ("POST", ADMIN + "/registry/import"): Operation("Import registry entries (a migration)", _OPS, body=JSON,
                                                    errors=(400, 413)),
    ("GET", ADMIN + "/statistics"): Operation("The platform's statistics, one object per table of the report",
                                              _OPS),
    ("POST", ADMIN + "/statistics/backfill"): Operation("Rebuild the message counters from the messages table "
                                                        "(a few pages per call)", _OPS, body=JSON,
                                                        errors=(400, 409, 413), request="Backfill",
                                                        answer="BackfillProgress",
                                                        body_required=False),
    ("POST", ADMIN + "/messages/index-backfill"): Operation("Give messages written before an index existed its "
                                                           "keys (one bounded step per call)", _OPS, body=JSON,
                                                           errors=(400, 413), request="IndexBackfill",
                                                           answer="IndexBackfillProgress", body_required=False),
    ("GET", ADMIN + "/statistics/sender"): Operation("A sender's own figures (an operator: any sender's)", _PUB,
                                                     errors=(400, 403, 404), query=("organizationId",)),
    ("GET", "/.well-known/ebox-callback-keys"): Operation("The keys that verify callbacks' signatures", None),
    ("GET", ADMIN + "/callback-keys"): Operation("The keys that sign callbacks, with their status", _OPS),
    ("POST", ADMIN + "/callback-keys/rotate"): Operation("Rotate the key that signs callbacks", _OPS, body=JSON,
                                                         errors=(400, 413), request="Rotation", body_required=False),
    ("GET", CALLBACKS): Operation("The sender's callback endpoints", _PUB),
    ("PUT", CALLBACKS + "/{applicationId}"): Operation("Register an application's callback endpoint", _PUB,
                                                       body=JSON, errors=(400, 404, 413)),
    ("POST", CALLBACKS + "/{applicationId}/verify"): Operation("Challenge the endpoint again", _PUB,
                                                               errors=(400, 404)),
    ("DELETE", CALLBACKS + "/{applicationId}"): Operation("Remove an application's callback endpoint", _PUB, 204,
                                                          errors=(404,)),
    ("GET", CALLBACKS + "/deliveries"): Operation("The sender's callback deliveries (30 days)", _PUB, errors=(400,),
                                                  query=("status",)),
    ("POST", CALLBACKS + "/deliveries/{deliveryId}/redeliver"): Operation("Deliver a dead-lettered callback again",
                                                                          _PUB, 202, errors=(404, 409)),
}
# Every route may answer these: a token missing or not valid, a scope missing, a dependency unavailable.
COMMON_ERRORS = {401: "UNAUTHORIZED: no valid access token", 403: "FORBIDDEN: the token lacks the scope",
                 405: "METHOD_NOT_ALLOWED", 415: "the body's media type is not accepted",
                 503: "SERVICE_UNAVAILABLE: a dependency failed; retry later"}
ERROR_TEXTS = {429: "TOO_MANY_REQUESTS: this e-Box, organisation or address used its window's requests; "
                    "Retry-After says when the next window opens",
               303: "a document too large to answer inline: its pre-signed GET (Location)",
               400: "INVALID_INPUT (or INVALID_SENDER, DIGEST_DO_NOT_MATCH): the message names the field at fault",
               404: "NOT_FOUND: absent, or not yours to see", 409: "a conflict (DUPLICATE_PUBLICATION, "
               "ACCEPTANCE_CLOSED, BATCH_IN_PROGRESS, …)", 413: "PAYLOAD_TOO_LARGE",
               422: "IDEMPOTENCY_KEY_REUSED", **COMMON_ERRORS}

STATUS_MESSAGE = ref("StatusMessage")
OAUTH_ERROR = {"type": "object", "required": ["error"],
               "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]


def _request_body(media_type: str, described: str | None, required: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"} if described is None else ref(described)
    if media_type == MULTIPART:
        return {"required": True, "content": {MULTIPART: multipart_publication()}}
    if media_type == FORM:
        schema = {"type": "object", "properties": {"grant_type": {"type": "string"}, "client_id": {"type": "string"},
                                                   "client_secret": {"type": "string"}, "scope": {"type": "string"}}}
    return {"required": required, "content": {media_type: {"schema": schema}}}


def _operation(method: str, path: str, op: Operation) -> dict[str, Any]:
    if op.binary:
        success: dict[str, Any] = {"description": "the document's bytes",
                                   "content": {"*/*": {"schema": {}}}}
    elif op.ok == 204:
        success = {"description": "done"}
    else:
        success = {"description": "success", "content": {JSON: {"schema": ref(op.answer) if op.answer else {}}}}
    error_schema = OAUTH_ERROR if path == "/oauth/token" else STATUS_MESSAGE
    statuses = sorted(set(op.errors) | (set(COMMON_ERRORS) if op.scope is not None else {405, 415, 503}))
    responses = {str(op.ok): success, **{str(status): {
        "description": ERROR_TEXTS.get(status, "error"),
        "content": {JSON: {"schema": error_schema}}} for status in statuses}}
    if 303 in op.errors:  # a redirect: no body, a Location
        responses["303"] = {"description": ERROR_TEXTS[303], "headers": {"Location": {"schema": {"type": "string"}}}}
    if op.ok == 201 and op.scope == _PUB and op.body == MULTIPART:
        responses["200"] = {"description": "the same publication, repeated with its Idempotency-Key",
                            "content": {JSON: {"schema": ref(op.answer) if op.answer else {}}}}
    operation: dict[str, Any] = {"summary": op.summary, "operationId": f"{method.lower()} {path}",
                                 "responses": responses}
    if op.scope is not None:
        operation["security"] = [{"bearer": [] if op.scope == ANY_PRINCIPAL else [op.scope]}]
        operation["x-scope"] = op.scope
    parameters = _path_parameters(path) + [{"name": name, "in": "query", "required": False,
                                            "schema": {"type": "string"}} for name in op.query]
    if parameters:
        operation["parameters"] = parameters
    if op.body is not None:
        operation["requestBody"] = _request_body(op.body, op.request, op.body_required)
    return operation


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), op in OPERATIONS.items():
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "e-Box Enterprise Message Registry", "version": "2.1 consultation, 3 publication"},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "/oauth/token",
                "scopes": {scope: scope for scope in sorted(access.SENDER_SCOPES | access.ENTERPRISE_SCOPES)}}}}},
        },
    }
