"""Anna answers a message that asks for a payment: her reply (text and a document) survives the end of
her session as a draft, reaches the sender's e-Box once she has logged in again, and she marks the
action done; then she hides the message and finds it among the hidden ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.apigw import PDF
from tests.e2e.browser.conftest import WebPage
from tests.waiting import eventually

TEXT = {
    "fr": {"send": "Envoyer", "reply_text": "Votre réponse", "attach": "Joindre des documents",
           "sent": "réponse a été envoyée", "draft": "brouillon", "login": "Se connecter",
           "done": "Marquer comme fait", "action_done": "Action faite", "hide": "Masquer", "hidden": "Masqué",
           "unhide": "Afficher à nouveau", "hidden_filter": "Masqués seulement", "overdue": "En retard"},
    "nl": {"send": "Verzenden", "reply_text": "Uw antwoord", "attach": "Documenten toevoegen",
           "sent": "antwoord is verzonden", "draft": "concept", "login": "Aanmelden",
           "done": "Als gedaan markeren", "action_done": "Actie gedaan", "hide": "Verbergen", "hidden": "Verborgen",
           "unhide": "Opnieuw tonen", "hidden_filter": "Alleen verborgen", "overdue": "Achterstallig"},
}
SESSION_ENDED = json.dumps({"id": "x", "code": "UNAUTHORIZED", "message": "the access token has expired",
                            "environment": "development"})


def onss_inbox(base_url: str, original: str) -> list[dict]:
    token = requests.post(f"{base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": "ent-0406798006", "client_secret": "demo-secret"}).json()
    answer = requests.get(f"{base_url}/messageRegistry/v2/ebox/messages", timeout=30,
                          params={"originalMessageId": original},
                          headers={"Authorization": f"Bearer {token['access_token']}"})
    return list(answer.json()["items"])


def test_a_reply_is_kept_as_a_draft_when_the_session_ends_then_sent(web: WebPage, publish, tag, tmp_path: Path):
    words = TEXT[web.language]
    original = publish(f"Cotisations impayées {tag}", body="Merci de régulariser.", isReplyAuthorized=True,
                       action={"kind": "PAYMENT", "dueDate": "2026-01-31"})
    web.log_in("Anna")
    page = web.page
    page.goto(f"{web.base_url}/#/messages/{original}")
    page.get_by_text(words["overdue"]).first.wait_for()
    page.get_by_label(words["reply_text"]).fill(f"Paiement effectué le 2 février {tag}.")
    web.check("reply")

    # The session ends while she writes: the API answers 401 to the sending.
    page.route("**/replies", lambda route: route.fulfill(status=401, body=SESSION_ENDED,
                                                          content_type="application/json"))
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_text(words["draft"]).wait_for()
    page.unroute("**/replies")
    page.get_by_role("button", name=words["login"]).click()
    web.choose_person("Anna")
    page.wait_for_url(re.compile(original))
    expect(page.get_by_label(words["reply_text"])).to_have_value(f"Paiement effectué le 2 février {tag}.")

    proof = tmp_path / "preuve.pdf"
    proof.write_bytes(PDF)
    page.get_by_label(words["attach"]).set_input_files(str(proof))
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_text(words["sent"]).wait_for()
    replies = eventually(lambda: onss_inbox(web.base_url, original))  # listed under it by the outbox
    assert len(replies) == 1 and replies[0]["attachments"]["totalItems"] == 1

    page.get_by_role("button", name=words["done"]).click()
    page.get_by_text(words["action_done"]).first.wait_for()
    page.get_by_role("button", name=words["hide"]).click()
    page.get_by_role("button", name=words["unhide"]).wait_for()  # hidden: leaving sooner would cancel it
    page.goto(f"{web.base_url}/#/inbox?q={tag}")
    expect(page.locator("li.row .badge", has_text=words["hidden"])).to_have_count(1)  # listed, marked hidden
    page.get_by_label(words["hidden_filter"]).check()
    page.wait_for_url(re.compile("hidden=1"))
    expect(page.locator("li.row")).to_have_count(1)
    web.check("inbox-hidden")
