"""A clerk of ONSS publishes by hand: the recipient's number is checked as she types (check digits, then
the register's name), a document dropped on the page gets its SHA-256 computed in the browser and sent
as the v3 digest, a summary comes before sending, the messageId and the evidence after; and the message
arrives in Demo Bakery's inbox, where Anna reads it."""

from __future__ import annotations

import hashlib
import re

from playwright.sync_api import expect

from tests.apigw import PDF
from tests.e2e.browser.conftest import WebPage

TEXT = {
    "fr": {"recipient": "Destinataire", "check": "chiffres de contrôle", "subject": "Objet", "body": "Message",
           "registered": "Recommandé", "action": "À traiter", "due": "Échéance", "review": "Vérifier",
           "send": "Envoyer", "published": "Message publié", "replies": "Le destinataire peut répondre",
           "verify": "Vérifier les signatures", "chain_ok": "aucun n'a été omis"},
    "nl": {"recipient": "Ontvanger", "check": "controlecijfers", "subject": "Onderwerp", "body": "Bericht",
           "registered": "Aangetekend", "action": "Te behandelen", "due": "Vervaldatum", "review": "Controleren",
           "send": "Verzenden", "published": "Bericht gepubliceerd", "replies": "De ontvanger mag antwoorden",
           "verify": "Handtekeningen en keten", "chain_ok": "dat er geen ontbreekt"},
}
DROP = """(bytes) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(bytes)], "avis.pdf", {type: "application/pdf"}));
  return transfer;
}"""


def test_a_clerk_publishes_by_hand_and_the_message_arrives(web: WebPage, tag) -> None:
    words = TEXT[web.language]
    web.log_in("Chloé")
    page = web.page
    recipient = page.get_by_role("textbox", name=words["recipient"])
    recipient.fill("0852.093.432")
    page.get_by_text(words["check"]).wait_for()
    recipient.fill("0852.093.431")
    page.get_by_text("Demo Bakery SRL").wait_for()

    page.get_by_label(words["subject"], exact=True).fill(f"Rappel de cotisations {tag}")
    page.get_by_label(words["body"], exact=True).fill("Veuillez trouver l'avis en annexe.")
    page.dispatch_event(".drop", "drop", {"dataTransfer": page.evaluate_handle(DROP, list(PDF))})
    expect(page.locator(".chosen code")).to_have_text(hashlib.sha256(PDF).hexdigest())
    page.get_by_label(words["registered"], exact=True).check()
    page.get_by_label(words["replies"]).check()
    page.get_by_label(words["action"]).check()
    page.get_by_label(words["due"]).fill("2030-06-30")
    web.check("publish")

    page.get_by_role("button", name=words["review"]).click()
    page.locator(".summary").get_by_text("Demo Bakery SRL (0852093431)").wait_for()
    web.check("publish-summary")
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_role("heading", name=words["published"]).wait_for()
    message_id = page.locator(".message-id").inner_text()
    assert re.fullmatch(r"[0-9a-f-]{36}", message_id)
    page.locator(".timeline li", has_text="Submission Acceptance").wait_for()
    page.get_by_role("button", name=re.compile(words["verify"])).click()  # the clerk checks the signed chain too
    page.get_by_role("status").filter(has_text=words["chain_ok"]).wait_for()
    web.check("publish-sent")

    assert web.new_tab is not None
    anna = web.new_tab()
    anna.log_in("Anna")
    anna.page.goto(f"{anna.base_url}/#/inbox?q={tag}")
    row = anna.page.locator("li.row", has_text=f"Rappel de cotisations {tag}")
    row.wait_for()
    expect(row.locator(".badge.registered")).to_be_visible()
    row.get_by_role("link").click()
    anna.page.wait_for_url(re.compile(message_id))
    anna.page.get_by_text("Veuillez trouver l'avis en annexe.").wait_for()
