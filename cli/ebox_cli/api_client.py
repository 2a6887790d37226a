"""A small client of the e-Box API for the `ebox` command (what an integrator's code would do)."""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests


class ApiError(Exception):
    """The API answered with an error: its StatusMessage (or OAuth2 error) code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class Unreachable(Exception):
    pass


def sha256_b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def media_type_of(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass
class Client:
    base_url: str
    client_id: str
    client_secret: str
    timeout: float = 60.0

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._session = requests.Session()
        self._token: str | None = None

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self._session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.ConnectionError:
            raise Unreachable(f"the e-Box API is not reachable at {self.base_url}") from None
        if response.status_code >= 400:
            raise _error_of(response)
        return response

    def token(self, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        if scope:
            form["scope"] = scope
        return str(self._request("POST", "/oauth/token", data=form).json()["access_token"])

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            self._token = self.token()
        return {"Authorization": f"Bearer {self._token}"}

    def publish(self, message: dict[str, Any], files: list[Path], idempotency_key: str | None) -> dict[str, Any]:
        parts: list[tuple[str, tuple[str | None, Any, str]]] = [
            ("messageToPublish", (None, json.dumps(message), "application/json"))]
        handles = []
        try:
            for index, path in enumerate(files, start=1):
                handle = path.open("rb")
                handles.append(handle)
                parts.append((f"upfile{index}", (path.name, handle, media_type_of(path))))
            headers = self._auth()
            if idempotency_key:
                headers["Idempotency-Key"] = idempotency_key
            return dict(self._request("POST", "/messageRegistry/v3/ebox/messages", files=parts,
                                      headers=headers).json())
        finally:
            for handle in handles:
                handle.close()

    def summary(self) -> dict[str, Any]:
        return dict(self._request("GET", "/messageRegistry/v2/ebox", headers=self._auth()).json())

    def messages(self, page: int, page_size: int) -> dict[str, Any]:
        return dict(self._request("GET", "/messageRegistry/v2/ebox/messages", headers=self._auth(),
                                  params={"page": page, "pageSize": page_size}).json())

    def message(self, message_id: str) -> dict[str, Any]:
        return dict(self._request("GET", f"/messageRegistry/v2/ebox/messages/{message_id}",
                                  headers=self._auth()).json())

    def body(self, message_id: str) -> dict[str, str]:
        return dict(self._request("GET", f"/messageRegistry/v2/ebox/messages/{message_id}/body",
                                  headers=self._auth()).json())

    def content(self, href: str) -> bytes:
        return bytes(self._request("GET", href, headers=self._auth()).content)

    def evidences(self, message_id: str) -> list[dict[str, Any]]:
        return list(self._request("GET", f"/messageRegistry/v3/ebox/messages/{message_id}/evidences",
                                  headers=self._auth()).json()["items"])

    def evidence_keys(self) -> dict[str, Any]:
        return dict(self._request("GET", "/evidence/keys").json())

    def mail(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/local/mail").json())


def message_to_publish(*, sender: str, application: str, message_type: str, recipient: str, subject: str,
                       language: str, body: str | None, files: list[Path]) -> dict[str, Any]:
    """The v3 `messageToPublish` for these files: the first is the main content, or the body if none."""
    message: dict[str, Any] = {
        "sender": {"eboxType": "enterprise", "enterpriseNumber": sender},
        "senderApplicationId": application,
        "recipient": {"eboxType": "enterprise", "enterpriseNumber": recipient},
        "messageTypeId": message_type,
        "subject": {language: subject},
        "attachments": [{
            "httpPartName": f"upfile{index}",
            "isMainContent": index == 1,
            "attachmentTitle": {language: path.stem},
            "digest": {"digestMethod": "sha_256", "digestValue": sha256_b64url(path.read_bytes())},
        } for index, path in enumerate(files, start=1)],
    }
    if body:
        message["bodyContent"] = {language: body}
        message["isBodyMainContent"] = not files
    return message


def _error_of(response: requests.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        return ApiError(response.status_code, f"HTTP_{response.status_code}", response.text[:200])
    if "error" in body:
        return ApiError(response.status_code, body["error"], body.get("error_description", ""))
    return ApiError(response.status_code, body.get("code", f"HTTP_{response.status_code}"), body.get("message", ""))
