"""The web app's static files (web/dist, built by `make web`), served at `/` as the template's web
bucket serves them in AWS: hashed assets cached for good, index.html never, one strict
Content-Security-Policy (no inline script, no third party), and `/config.json` telling the app its
identity provider (here the local one, see ebox_local.oidc)."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from werkzeug.wrappers import Request, Response

from ebox_local.oidc import CLIENT_ID, LocalOidc

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def csp(connect_origins: list[str]) -> str:
    """The policy, whose connect-src also names the storage the browser PUTs bulk archives to through a
    pre-signed URL (in AWS: S3, `https:` in the template's policy; here: the AWS emulation's origin)."""
    return CSP.replace("connect-src 'self'", " ".join(["connect-src 'self'", *connect_origins]))
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_MISSING = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>e-Box</title></head><body>"
            "<main><h1>The web app is not built</h1><p>Run <code>make web</code> (or <code>make run</code>, "
            "which builds it).</p></main></body></html>")


class WebAssets:
    def __init__(self, root: Path, config: dict[str, str]) -> None:
        self.root = root.resolve()
        self.config = config
        self.connect_origins: list[str] = []

    def allow_connect(self, origin: str) -> None:
        """Lets the app's scripts reach ``origin`` too (the emulated S3 of pre-signed upload URLs)."""
        self.connect_origins.append(origin.rstrip("/"))

    def serves(self, request: Request) -> bool:
        path = request.path
        return request.method in ("GET", "HEAD") and (
            path in ("/", "/index.html", "/config.json", "/favicon.svg") or path.startswith("/assets/"))

    def respond(self, request: Request) -> Response:
        if request.path == "/config.json":
            response = Response(json.dumps(self.config), mimetype="application/json")
            response.headers["Cache-Control"] = "no-cache"
            return response
        name = "index.html" if request.path in ("/", "/index.html") else request.path.lstrip("/")
        file = (self.root / name).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            if name == "index.html":
                return self._secure(Response(_MISSING, status=404, mimetype="text/html"))
            return Response("not found", status=404, mimetype="text/plain")
        media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        response = Response(file.read_bytes(), mimetype=media_type)
        response.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if name.startswith("assets/")
                                             else "no-cache")
        return self._secure(response)

    def _secure(self, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        response.headers["Content-Security-Policy"] = csp(self.connect_origins)
        return response


def web_app(dist: Path, api_url: str) -> tuple[LocalOidc, WebAssets]:
    """The local identity provider and the web app built in ``dist``, configured to use it."""
    oidc = LocalOidc(api_url)
    return oidc, WebAssets(dist, {"issuer": oidc.issuer, "clientId": CLIENT_ID, "api": ""})
