"""A person of Demo Bakery logs in through OpenID Connect, finds a new message in the inbox, reads it,
downloads its document (the same bytes as published, checked against their SHA-256 in the browser)
and accepts a qualified message before reading it; Bruno, who holds only ACCOUNTING, sees that
partition only. In French at 1440 px and Dutch at 375 px."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.apigw import PDF
from tests.e2e.browser.conftest import WebPage

TEXT = {
    "fr": {"inbox": "Boîte de réception", "download": "Télécharger", "documents": "Documents", "accept": "Accepter",
           "notice": "recommandé qualifié", "verified": "SHA-256 vérifié", "not_found": "n'est pas dans votre e-Box",
           "unread": "Non lus seulement", "overdue": "En retard", "search": "Rechercher",
           "withheld": "dès que vous l'acceptez", "verify": "Vérifier les signatures",
           "chain_ok": "aucun n'a été omis", "refuse": "Refuser le message",
           "withheld_for_good": "restent retenus"},
    "nl": {"inbox": "Inbox", "download": "Downloaden", "documents": "Documenten", "accept": "aanvaarden",
           "notice": "gekwalificeerde aangetekende", "verified": "SHA-256 gecontroleerd",
           "not_found": "staat niet in uw e-Box", "unread": "Alleen ongelezen", "overdue": "Achterstallig",
           "search": "Zoeken", "withheld": "zodra u het bericht aanvaardt", "verify": "Handtekeningen en keten",
           "chain_ok": "dat er geen ontbreekt", "refuse": "Het bericht weigeren",
           "withheld_for_good": "blijven achtergehouden"},
}


def search(web: WebPage, text: str) -> None:
    words = TEXT[web.language]
    web.page.get_by_role("searchbox").fill(text)
    web.page.get_by_role("button", name=words["search"], exact=True).click()


def test_read_a_message_and_download_its_document(web: WebPage, publish, tag) -> None:
    words = TEXT[web.language]
    message_id = publish(f"Avis de cotisation {tag}", body=f"Corps du message {tag}", allowReplies=False)
    web.log_in("Anna")
    page = web.page
    page.get_by_role("heading", name=words["inbox"]).wait_for()
    row = page.locator("li.row", has_text=tag)
    row.wait_for()
    assert "unread" in (row.get_attribute("class") or "")
    web.check("inbox")

    search(web, tag)
    page.wait_for_url(re.compile(rf"q={tag}"))
    expect(page.locator("li.row")).to_have_count(1)
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(message_id))
    page.get_by_role("heading", name=f"Avis de cotisation {tag}").wait_for()
    page.get_by_text(f"Corps du message {tag}").wait_for()
    page.get_by_role("heading", name=words["documents"]).wait_for()
    digest = page.locator(".digest code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)

    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(words["download"])).click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert download.value.suggested_filename == "avis.pdf"
    page.get_by_text(words["verified"]).wait_for()
    assert page.locator(".timeline li").count() >= 2  # SubmissionAcceptance, ContentConsignment…
    web.check("message")


def test_a_qualified_message_is_accepted_before_it_is_read(web: WebPage, publish, tag) -> None:
    words = TEXT[web.language]
    message_id = publish(f"Mise en demeure {tag}", registeredMailType="qualified", isRegisteredMail=True)
    web.log_in("Anna")
    page = web.page
    page.goto(f"{web.base_url}/#/messages/{message_id}")
    page.get_by_text(words["notice"]).wait_for()
    assert page.get_by_role("heading", name=words["documents"]).count() == 0  # nothing of the content yet
    page.get_by_text(words["withheld"]).wait_for()  # the timeline's steps, not their signed records
    assert page.locator(".timeline li").count() >= 1
    assert page.locator(".timeline details, .jws").count() == 0
    web.check("qualified-gate")

    page.get_by_role("button", name=re.compile(words["accept"], re.IGNORECASE)).click()
    page.get_by_role("heading", name=words["documents"]).wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(words["download"])).click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.locator(".timeline li", has_text="Acceptance By Recipient").wait_for(timeout=30_000)
    assert page.get_by_text(words["withheld"]).count() == 0
    page.get_by_role("button", name=re.compile(words["verify"])).click()  # signatures, links and head, in the browser
    page.get_by_role("status").filter(has_text=words["chain_ok"]).wait_for()
    web.check("qualified-accepted")


def test_a_refused_qualified_message_keeps_its_signed_records_withheld(web: WebPage, publish, tag) -> None:
    words = TEXT[web.language]
    message_id = publish(f"Sommation {tag}", registeredMailType="qualified", isRegisteredMail=True)
    web.log_in("Anna")
    page = web.page
    page.goto(f"{web.base_url}/#/messages/{message_id}")
    page.on("dialog", lambda dialog: dialog.accept())  # "refuse this message?"
    page.get_by_role("button", name=words["refuse"]).click()
    page.get_by_text(words["withheld_for_good"]).wait_for(timeout=30_000)
    assert page.get_by_role("heading", name=words["documents"]).count() == 0
    assert page.locator(".timeline details, .jws").count() == 0
    assert page.get_by_role("button", name=re.compile(words["verify"])).count() == 0
    web.check("qualified-refused")


def test_bruno_sees_only_accounting(web: WebPage, publish, tag) -> None:
    words = TEXT[web.language]
    tax = publish(f"Avertissement-extrait {tag}", messageTypeId="demo-tax")  # routed to ACCOUNTING
    notice = publish(f"Communication générale {tag}")  # GENERAL
    web.log_in("Bruno")
    page = web.page
    search(web, tag)
    page.wait_for_url(re.compile(rf"q={tag}"))
    expect(page.locator("li.row")).to_have_count(1)
    expect(page.locator("li.row")).to_contain_text(f"Avertissement-extrait {tag}")
    assert page.locator("select").filter(has_text="GENERAL").count() == 0  # no partition switcher beyond his own
    web.check("inbox-bruno")

    page.goto(f"{web.base_url}/#/messages/{notice}")
    page.get_by_role("alert").filter(has_text=words["not_found"]).wait_for()
    page.goto(f"{web.base_url}/#/messages/{tax}")
    page.get_by_role("heading", name=f"Avertissement-extrait {tag}").wait_for()


def test_the_language_is_chosen_and_remembered(web: WebPage) -> None:
    page = web.page
    page.goto(web.base_url + "/")
    assert page.locator("html").get_attribute("lang") == web.language  # the browser's language by default
    page.get_by_role("combobox").select_option("de")
    page.get_by_role("button", name="Anmelden").wait_for()
    web.check("landing")
    page.reload()
    page.get_by_role("button", name="Anmelden").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.evaluate("() => Object.keys(sessionStorage).length + Object.keys(localStorage).length") == 1


def test_tokens_stay_in_memory(web: WebPage) -> None:
    web.log_in("Anna")
    stored = web.page.evaluate("() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert "eyJ" not in stored  # no JWT in web storage
    assert web.page.context.cookies() == []
    headers = web.page.request.get(web.base_url + "/").headers
    assert "script-src 'self'" in headers["content-security-policy"]


def test_a_selection_is_downloaded_as_one_package_with_progress(web: WebPage, publish, tag) -> None:
    first = publish(f"Attestation A {tag}")
    second = publish(f"Attestation B {tag}")
    web.log_in("Anna")
    page = web.page
    page.goto(f"{web.base_url}/#/inbox?q={tag}")
    expect(page.locator("li.row")).to_have_count(2)
    for box in page.locator("li.row .row-select").all():
        box.check()
    page.locator(".download-selection button.primary").click()
    link = page.locator(".download-selection a.button-like")
    link.wait_for(timeout=60_000)
    web.check("download-selection")
    with page.expect_download() as download:
        link.click()
    with zipfile.ZipFile(download.value.path()) as package:
        names = "\n".join(package.namelist())
    assert first in names and second in names
