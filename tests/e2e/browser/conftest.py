"""The web app in Debian's headless Chromium (`apt-get install chromium`, as `make test` does), driven by
Playwright for Python against the same local stack as the other end-to-end tests. One browser for the
session; a fresh context (no cookies, no storage) per test. Every page a test visits is checked by
axe-core (no serious or critical violation) and photographed into build/screenshots/."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.apigw import BOUNDARY, PDF, multipart, part
from tests.conftest import on_localstack
from tests.fakes import b64url_sha256, message_json

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE, DESKTOP = 375, 1440
# The journeys run in two languages and at both widths.
VIEWS = [pytest.param(("fr", DESKTOP), id="fr-1440"), pytest.param(("nl", PHONE), id="nl-375")]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if on_localstack():
        pytest.skip("the browser tests run once, on the moto stack (the web app is the same on LocalStack)")
    if not CHROMIUM.exists() or not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a condition, waited for as long as a loaded CI machine needs
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=300_000)
        yield chromium
        chromium.close()


@dataclass
class WebPage:
    """A person's browser tab on the web app, in a language and at a width."""

    page: Any
    base_url: str
    language: str
    width: int
    new_tab: Callable[[], WebPage] | None = None
    problems: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)

    def check(self, name: str) -> None:
        """axe-core on what is shown now (zero serious or critical violations), and its screenshot."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))  # CDP evaluation: the page's CSP stays strict
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe on {name} ({self.language}, {self.width}px): " + "; ".join(bad)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.language}-{self.width}.png"), full_page=True)
        self.checked.add(name)

    def choose_person(self, person: str, *, citizen: bool = False) -> None:
        """On the local provider's login page: the demo person whose name matches ``person``."""
        which = '[value$="-citizen"]' if citizen else ':not([value$="-citizen"])'
        self.page.locator(f"button{which}").filter(has_text=re.compile(person)).click()

    def log_in(self, person: str, *, citizen: bool = False) -> None:
        """From the app's first page through the local OpenID Connect provider, as `person` (Anna is also a
        citizen, with her own My eBox: `citizen=True` logs her in as that)."""
        self.page.goto(self.base_url + "/")
        self.page.locator("button.primary").click()
        self.page.wait_for_url(re.compile(r"/local/oidc/authorize"))
        self.check("login-provider")
        self.choose_person(person, citizen=citizen)
        self.page.locator("main h1").first.wait_for()


@pytest.fixture(params=VIEWS)
def web(request: pytest.FixtureRequest, browser: Any, base_url: str) -> Iterator[WebPage]:
    language, width = request.param
    tabs: list[WebPage] = []

    def new_tab() -> WebPage:
        """Another person's browser (a context of its own: no shared storage), same language and width."""
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=f"{language}-BE",
                                      accept_downloads=True)
        context.set_default_timeout(60_000)  # waits end as soon as their condition holds
        page = context.new_page()
        tab = WebPage(page, base_url, language, width, new_tab=new_tab)
        page.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: tab.problems.append(str(e)))
        tabs.append(tab)
        return tab

    yield new_tab()
    for tab in tabs:
        tab.page.context.close()
        blocked = [p for p in tab.problems if "Content Security Policy" in p]
        assert not blocked, f"the page broke its Content-Security-Policy: {blocked}"


@pytest.fixture(scope="session")
def sender_token(base_url: str) -> str:
    answer = requests.post(f"{base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": "demo-sender", "client_secret": "demo-sender-secret"})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


Publisher = Callable[..., str]


@pytest.fixture
def publish(base_url: str, sender_token: str) -> Publisher:
    """Publishes one message from ONSS's demo application to Demo Bakery (or `recipient`); its messageId."""

    def publish_one(subject: str, *, document: bytes | None = PDF, body: str | None = None,
                    **overrides: Any) -> str:
        attachments = [{"httpPartName": "upfile1", "isMainContent": True,
                        "digest": {"digestMethod": "sha_256", "digestValue": b64url_sha256(document)}}] \
            if document is not None else []
        meta = message_json(subject={"fr": subject, "nl": subject}, attachments=attachments, **overrides)
        if body is not None:
            meta["bodyContent"] = {"fr": body, "nl": body}
            meta["isBodyMainContent"] = document is None
        parts = [part("messageToPublish", json.dumps(meta).encode(), content_type="application/json")]
        if document is not None:
            parts.append(part("upfile1", document, filename="avis.pdf", content_type="application/pdf"))
        answer = requests.post(f"{base_url}/messageRegistry/v3/ebox/messages", data=multipart(*parts), timeout=60,
                               headers={"Authorization": f"Bearer {sender_token}",
                                        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert answer.status_code in (200, 201, 202), answer.text
        return str(answer.json()["messageId"])

    return publish_one


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:8]
