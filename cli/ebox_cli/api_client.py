"""The e-Box API over HTTP, as an integrator's code would call it: one token per client, typed answers,
and every failure turned into an `ebox_cli.errors` class."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ebox_cli.answers import (
    Content,
    EboxSummary,
    IssuedToken,
    Message,
    MessagePage,
    Published,
    mail_list,
    translated_body,
)
from ebox_cli.digests import header_digest
from ebox_cli.errors import ApiError, ApiUnreachable, UnexpectedAnswer
from ebox_cli.large_documents import FileToUpload
from ebox_cli.publication import Document

ADMINISTRATION = "/messageRegistry/v3/ebox"
PUBLISH = "/messageRegistry/v3/ebox/messages"
EBOX = "/messageRegistry/v2/ebox"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


class EboxClient:
    def __init__(self, base_url: str, credentials: Credentials | None = None, *,
                 session: requests.Session | None = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = credentials
        self._session = session
        self._timeout = timeout
        self._token: str | None = None

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def token(self, scope: str | None = None) -> IssuedToken:
        if self._credentials is None:
            raise ValueError("this client was built without credentials")
        form = {"grant_type": "client_credentials", "client_id": self._credentials.client_id,
                "client_secret": self._credentials.client_secret}
        if scope:
            form["scope"] = scope
        return IssuedToken.from_json(_json(self._send("POST", "/oauth/token", authenticated=False, data=form)))

    def publish(self, message: dict[str, Any], documents: list[Document],
                idempotency_key: str | None = None) -> Published:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return Published.from_json(_json(self._send("POST", PUBLISH, files=_parts(message, documents),
                                                    headers=headers)))

    def upload(self, files: list[FileToUpload]) -> list[str]:
        """Asks for pre-signed uploads, then streams each file to its URL; the upload ids, in order."""
        slots = _json(self._send("POST", f"{PUBLISH.rsplit('/', 1)[0]}/uploads",
                                 json={"documents": [f.describe() for f in files]}))["uploads"]
        for file, slot in zip(files, slots, strict=True):
            with file.path.open("rb") as stream:  # requests streams a file object: never read whole
                try:
                    answer = self.session.put(slot["uploadUrl"], data=stream, timeout=max(self._timeout, 600),
                                              headers={**slot.get("headers", {}), "Content-Length": str(file.size)})
                except requests.RequestException as error:
                    raise ApiUnreachable(slot["uploadUrl"].split("?")[0], type(error).__name__) from None
            if answer.status_code >= 300:
                raise ApiError(answer.status_code, f"UPLOAD_{answer.status_code}",
                               " ".join(answer.text.split())[:200] or answer.reason or "")
        return [str(slot["uploadId"]) for slot in slots]

    def reply(self, message_id: str, message: dict[str, Any], documents: list[Document],
              idempotency_key: str | None = None) -> Published:
        """Answers a message that allows replies; multipart as a publication."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        answer = self._send("POST", f"{PUBLISH}/{_segment(message_id)}/replies", files=_parts(message, documents),
                            headers=headers)
        return Published.from_json(_json(answer))

    def mark_action_done(self, message_id: str) -> dict[str, Any]:
        """The message's action, marked DONE (again: unchanged)."""
        answer = _json(self._send("PUT", f"{PUBLISH}/{_segment(message_id)}/action", json={"status": "DONE"}))
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), str):
            raise UnexpectedAnswer("the action answer has no status")
        return answer

    def summary(self) -> EboxSummary:
        return EboxSummary.from_json(_json(self._send("GET", EBOX)))

    def messages(self, page: int, page_size: int, filters: dict[str, str] | None = None) -> MessagePage:
        """A page of the inbox; ``filters`` are the API's query parameters (partition, readStatus, q, ...)."""
        params: dict[str, Any] = {"page": page, "pageSize": page_size, **(filters or {})}
        return MessagePage.from_json(_json(self._send("GET", f"{EBOX}/messages", params=params)))

    def administration(self, method: str, resource: str, body: Any = None) -> list[dict[str, Any]]:
        """Partitions, users and routing rules of the caller's e-Box (``resource``: partitions, users/<ssin>,
        routingRules); the answer's items (or the one object saved)."""
        answer = _json(self._send(method, f"{ADMINISTRATION}/{resource}", json=body))
        if isinstance(answer, dict) and isinstance(answer.get("items"), list):
            return [item for item in answer["items"] if isinstance(item, dict)]
        if isinstance(answer, dict):
            return [answer]
        raise UnexpectedAnswer(f"the answer about {resource} is not a JSON object")

    def call(self, method: str, path: str, body: Any = None, *, authenticated: bool = True,
             params: dict[str, str] | None = None) -> Any:
        """Any JSON operation of the API (the platform's administration, callbacks): its JSON answer."""
        return _json(self._send(method, path, authenticated=authenticated, json=body, params=params))

    def message(self, message_id: str) -> Message:
        return Message.from_json(_json(self._send("GET", f"{EBOX}/messages/{_segment(message_id)}")))

    def body(self, message_id: str) -> dict[str, str] | None:
        """The message's body text; None when it has none. Reading a body that is the main content marks it read."""
        try:
            answer = self._send("GET", f"{EBOX}/messages/{_segment(message_id)}/body")
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        return translated_body(_json(answer))

    def content(self, href: str) -> Content:
        """A document's bytes. Opening the main content marks the message read on the server."""
        # Chalice refuses a binary answer unless Accept allows it: `*/*` takes whatever type the document has.
        answer = self._send("GET", href, headers={"Accept": "*/*"})
        return Content(answer.content, header_digest(answer.headers))

    def evidences(self, message_id: str) -> list[Any]:
        return list(self.evidence_answer(message_id)["items"])

    def evidence_answer(self, message_id: str) -> dict[str, Any]:
        """The records (``items``) and the chain's signed ``head``."""
        answer = _json(self._send("GET", f"/messageRegistry/v3/ebox/messages/{_segment(message_id)}/evidences"))
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise UnexpectedAnswer("the evidences answer has no items")
        return dict(answer)

    def evidence_key(self, kid: str) -> dict[str, Any] | None:
        """One evidence key by kid, also one archived out of /evidence/keys (None: the service has none)."""
        try:
            answer = self._send("GET", f"/evidence/keys/{_segment(kid)}", authenticated=False)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        key = _json(answer)
        return dict(key) if isinstance(key, dict) else None

    def evidence_keys(self) -> dict[str, Any]:
        answer = _json(self._send("GET", "/evidence/keys", authenticated=False))
        if not isinstance(answer, dict):
            raise UnexpectedAnswer("the evidence keys are not a JWKS")
        return answer

    def mail(self) -> list[dict[str, Any]]:
        return mail_list(_json(self._send("GET", "/local/mail", authenticated=False)))

    def forget_notification_preference(self) -> None:
        """Deletes the caller's preference: the e-Box's contact address is notified again."""
        self._send("DELETE", f"{ADMINISTRATION}/users/me/notificationPreferences")

    def fire_schedules(self, *, today: str | None = None, rule: str | None = None) -> list[dict[str, Any]]:
        """The local stack only: runs the template's scheduled jobs now, as on ``today``."""
        body = {k: v for k, v in (("today", today), ("rule", rule)) if v is not None}
        answer = _json(self._send("POST", "/local/schedules", authenticated=False, json=body))
        if not isinstance(answer, list):
            raise UnexpectedAnswer("the local stack's schedules answer is not a JSON list")
        return [item for item in answer if isinstance(item, dict)]

    def statistics(self, *, sender: bool = False, organization: str | None = None) -> dict[str, Any]:
        """The platform's tables (an operator), or a sender's own (``sender``; an operator names ``organization``)."""
        path = "/admin/v1/statistics/sender" if sender or organization else "/admin/v1/statistics"
        params = {"organizationId": organization} if organization else None
        answer = _json(self._send("GET", path, params=params))
        if not isinstance(answer, dict):
            raise UnexpectedAnswer("the statistics answer is not a JSON object")
        return answer

    def _bearer(self) -> dict[str, str]:
        if self._token is None:
            self._token = self.token().access_token
        return {"Authorization": f"Bearer {self._token}"}

    def _send(self, method: str, path: str, *, authenticated: bool = True, headers: dict[str, str] | None = None,
              **kwargs: Any) -> requests.Response:
        all_headers = {"Accept": "application/json", **(headers or {})}
        if authenticated:
            all_headers.update(self._bearer())
        try:
            answer = self.session.request(method, self._url(path), headers=all_headers, timeout=self._timeout,
                                          **kwargs)
        except requests.ConnectionError as error:
            raise ApiUnreachable(self.base_url, _reason(error)) from None
        except requests.Timeout:
            raise ApiUnreachable(self.base_url, f"no answer within {self._timeout:g} s") from None
        except requests.RequestException as error:
            raise ApiUnreachable(self.base_url, type(error).__name__) from None
        if answer.status_code >= 400:
            raise error_of(answer)
        return answer

    def _url(self, path_or_url: str) -> str:
        """The API's own links are paths; an absolute link is followed only to the same origin (the token goes
        with it)."""
        if "://" not in path_or_url:
            return f"{self.base_url}/{path_or_url.lstrip('/')}"
        if _origin(path_or_url) != _origin(self.base_url):
            raise UnexpectedAnswer(f"the API linked to another site ({_origin(path_or_url)}); not followed")
        return path_or_url


def error_of(answer: requests.Response) -> ApiError:
    """A StatusMessage `{code, message}` or an RFC 6749 `{error, error_description}`; else the HTTP status."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("error"):
        return ApiError(answer.status_code, str(body["error"]), str(body.get("error_description") or ""), body)
    if isinstance(body, dict) and body.get("code"):
        return ApiError(answer.status_code, str(body["code"]), str(body.get("message") or ""), body)
    text = " ".join(answer.text.split())[:200] or answer.reason or ""
    return ApiError(answer.status_code, f"HTTP_{answer.status_code}", text)


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise UnexpectedAnswer(f"{answer.request.method} {urlsplit(answer.url).path} did not answer JSON") from None


def _parts(message: dict[str, Any], documents: list[Document]) -> list[tuple[str, tuple[str | None, bytes, str]]]:
    parts: list[tuple[str, tuple[str | None, bytes, str]]] = [
        ("messageToPublish", (None, json.dumps(message, ensure_ascii=False).encode(), "application/json"))]
    return parts + [(d.part_name, (d.file_name, d.data, d.media_type)) for d in documents]


def _segment(value: str) -> str:
    return quote(value, safe="")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _reason(error: requests.ConnectionError) -> str:
    """The operating system's words for it ("Connection refused", "Name or service not known"), when it gave some."""
    cause: BaseException | None = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    seen = 0
    while cause is not None and seen < 10:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else cause.__cause__ or cause.__context__
        seen += 1
    return "no connection"
