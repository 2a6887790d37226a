"""Chloé, a clerk of ONSS, follows what her organisation sent (read, refused, action done, each message)
and publishes a batch archive from the bulk import page, following it to its per-line report. In French
at 1440 px and Dutch at 375 px."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.bulk_batches import archive, line_for
from tests.e2e.browser.conftest import WebPage
from tests.waiting import eventually

TEXT = {
    "fr": {"sent": "Envoyés", "sent_title": "Messages envoyés", "read": "Lu", "unread": "Pas encore lu",
           "refused": "Refusé", "action_done": "Action faite le", "bulk": "Import en masse",
           "file": "Archive du lot (ZIP)", "name": "Nom du lot", "upload": "Charger et publier",
           "finished": "Terminé", "counts": "2 publiés, 0 déjà publiés auparavant, 1 refusés.",
           "report": "Rapport, ligne par ligne", "published": "Publié", "rejected": "Refusé",
           "older": "Afficher les messages plus anciens", "scheduled": "Prévu le", "cancel": "Annuler le lot",
           "cancelled": "Annulé"},
    "nl": {"sent": "Verzonden", "sent_title": "Verzonden berichten", "read": "Gelezen", "unread": "Nog niet gelezen",
           "refused": "Geweigerd", "action_done": "Actie uitgevoerd op", "bulk": "Bulkimport",
           "file": "Batcharchief (ZIP)", "name": "Naam van de batch", "upload": "Opladen en publiceren",
           "finished": "Klaar", "counts": "2 gepubliceerd, 0 al eerder gepubliceerd, 1 geweigerd.",
           "report": "Verslag, regel per regel", "published": "Gepubliceerd", "rejected": "Geweigerd",
           "older": "Oudere berichten tonen", "scheduled": "Gepland op", "cancel": "De batch annuleren",
           "cancelled": "Geannuleerd"},
}
DISSOLVED = "0428759497"  # inactive in the register: its line is refused


@pytest.fixture(scope="module")
def bakery_token(base_url: str) -> str:
    answer = requests.post(f"{base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": "ent-0852093431", "client_secret": "demo-secret"})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def test_a_clerk_sees_what_became_of_each_message_sent(web: WebPage, publish, tag, base_url, sender_token,
                                                       bakery_token) -> None:
    words = TEXT[web.language]
    bakery = {"Authorization": f"Bearer {bakery_token}"}
    read = publish(f"Avis lu {tag}")
    refused = publish(f"Mise en demeure {tag}", registeredMailType="qualified", isRegisteredMail=True)
    done = publish(f"Paiement {tag}", action={"kind": "PAYMENT", "dueDate": "2030-01-31"})
    unread = publish(f"Avis en attente {tag}")
    # The bakery reads one, refuses the qualified one and does what the third asked.
    href = requests.get(f"{base_url}/messageRegistry/v2/ebox/messages/{read}", headers=bakery, timeout=30).json()[
        "attachments"]["items"][0]["contentHref"]
    requests.get(base_url + href, headers=bakery, timeout=30).raise_for_status()
    assert eventually(lambda: requests.post(  # once its delivery workflow awaits the answer (409 until then)
        f"{base_url}/messageRegistry/v3/ebox/messages/{refused}/acceptance", json={"accept": False}, headers=bakery,
        timeout=30).status_code == 202)
    requests.put(f"{base_url}/messageRegistry/v3/ebox/messages/{done}/action", json={"status": "DONE"},
                 headers=bakery, timeout=30).raise_for_status()

    def refusal_known() -> bool:
        answer = requests.get(f"{base_url}/messageRegistry/v3/sentMessages", timeout=30,
                              headers={"Authorization": f"Bearer {sender_token}"}).json()
        return any(m["messageId"] == refused and m.get("deliveryState") == "refused" for m in answer["items"])

    assert eventually(refusal_known)
    for n in range(20):  # a page of newer ones: the four above are on the second page
        publish(f"Relance {tag} {n:02d}", document=None, body="Relance")

    web.log_in("Chloé")
    page = web.page
    page.get_by_role("link", name=words["sent"], exact=True).click()
    page.get_by_role("heading", name=words["sent_title"]).wait_for()
    page.locator("li.sent-row", has_text=f"Relance {tag} 19").wait_for()
    expect(page.locator("li.sent-row", has_text=f"Avis lu {tag}")).to_have_count(0)
    older = page.get_by_role("button", name=words["older"])
    older.focus()
    page.keyboard.press("Enter")
    rows = {name: page.locator("li.sent-row", has_text=f"{name} {tag}")
            for name in ("Avis lu", "Mise en demeure", "Paiement", "Avis en attente")}
    expect(rows["Avis lu"].locator(".badge", has_text=words["read"])).to_be_visible()
    expect(rows["Avis en attente"].locator(".badge", has_text=words["unread"])).to_be_visible()
    expect(rows["Mise en demeure"].locator(".badge", has_text=words["refused"])).to_be_visible()
    expect(rows["Paiement"].locator(".badge", has_text=words["action_done"])).to_be_visible()
    expect(rows["Avis lu"]).to_contain_text("0852093431 · Demo Bakery SRL")  # the register's name
    # Newest first: the last published is above the first.
    subjects = page.locator("li.sent-row .row-subject").all_inner_texts()
    assert subjects.index(f"Avis en attente {tag}") < subjects.index(f"Avis lu {tag}")
    assert unread  # published last, listed first
    web.check("sent")


def test_a_clerk_uploads_a_batch_and_reads_its_report(web: WebPage, tag) -> None:
    words = TEXT[web.language]
    lines = [line_for(subject={"fr": f"Lot {tag} 1"}), line_for(subject={"fr": f"Lot {tag} 2"}),
             line_for(recipient=DISSOLVED, subject={"fr": f"Lot {tag} 3"})]
    web.log_in("Chloé")
    page = web.page
    page.get_by_role("link", name=words["bulk"], exact=True).click()
    page.get_by_role("heading", name=words["bulk"]).wait_for()
    web.check("bulk")
    page.get_by_label(words["file"]).set_input_files(
        {"name": f"campagne-{tag}.zip", "mimeType": "application/zip", "buffer": archive(lines)})
    expect(page.get_by_label(words["name"])).to_have_value(f"campagne-{tag}")
    page.get_by_label(words["name"]).focus()  # the rest with the keyboard alone
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=words["upload"])).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_text(words["finished"], exact=True).wait_for()
    expect(page.locator(".batch-counts")).to_have_text(words["counts"])
    report = page.get_by_role("table")
    expect(report.locator("tbody tr")).to_have_count(3)
    expect(report.locator("tbody tr").nth(0)).to_contain_text(words["published"])
    expect(report.locator("tbody tr").nth(2)).to_contain_text(words["rejected"])
    expect(report.locator("tbody tr").nth(2)).to_contain_text("INVALID_INPUT")
    web.check("bulk-report")


def test_a_clerk_cancels_a_batch_scheduled_for_later(web: WebPage, tag) -> None:
    words = TEXT[web.language]
    send_at = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    web.log_in("Chloé")
    page = web.page
    page.get_by_role("link", name=words["bulk"], exact=True).click()
    page.get_by_label(words["file"]).set_input_files(
        {"name": f"plus-tard-{tag}.zip", "mimeType": "application/zip",
         "buffer": archive([line_for(subject={"fr": f"Plus tard {tag}"})], settings={"sendAt": send_at})})
    page.get_by_role("button", name=words["upload"]).click()
    page.get_by_text(words["scheduled"]).wait_for()
    web.check("bulk-scheduled")
    page.get_by_role("button", name=words["cancel"]).click()
    page.get_by_text(words["cancelled"], exact=True).wait_for()
    expect(page.get_by_role("button", name=words["cancel"])).to_have_count(0)


FILTERS = {
    "fr": {"delivery": "Recommandé qualifié", "refused": "Refusé", "show": "Afficher", "back": "Retour aux messages",
           "recipient": "Destinataire", "evidence": "Preuves", "verify": "Vérifier les signatures",
           "verified": "toutes les signatures sont valides", "read": "Lecture", "unread": "Pas encore lu"},
    "nl": {"delivery": "Gekwalificeerde aangetekende zending", "refused": "Geweigerd", "show": "Tonen",
           "back": "Terug naar verzonden", "recipient": "Ontvanger", "evidence": "Bewijzen",
           "verify": "Handtekeningen en keten", "verified": "elke handtekening is geldig", "read": "Lezen",
           "unread": "Nog niet gelezen"},
}


def test_a_clerk_filters_what_was_sent_and_opens_one_message_with_its_evidence(web: WebPage, publish, tag, base_url,
                                                                               sender_token, bakery_token) -> None:
    words = FILTERS[web.language]
    bakery = {"Authorization": f"Bearer {bakery_token}"}
    refused = publish(f"Sommation {tag}", registeredMailType="qualified", isRegisteredMail=True)
    publish(f"Rappel non lu {tag}")
    assert eventually(lambda: requests.post(  # once its delivery workflow awaits the answer (409 until then)
        f"{base_url}/messageRegistry/v3/ebox/messages/{refused}/acceptance", json={"accept": False}, headers=bakery,
        timeout=30).status_code == 202)

    def refusal_known() -> bool:
        answer = requests.get(f"{base_url}/messageRegistry/v3/sentMessages/{refused}", timeout=30,
                              headers={"Authorization": f"Bearer {sender_token}"})
        return answer.ok and answer.json().get("deliveryState") == "refused"

    assert eventually(refusal_known)
    web.log_in("Chloé")
    page = web.page
    page.get_by_role("link", name=TEXT[web.language]["sent"], exact=True).click()
    page.get_by_role("heading", name=TEXT[web.language]["sent_title"]).wait_for()
    page.locator("li.sent-row", has_text=f"Rappel non lu {tag}").wait_for()
    # Qualified mail refused: the filter, then the button that applies it, with the keyboard.
    page.get_by_label(words["delivery"]).select_option("refused")
    page.get_by_role("button", name=words["show"], exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/sent\?delivery=refused"))
    row = page.locator("li.sent-row", has_text=f"Sommation {tag}")
    expect(row.locator(".badge", has_text=words["refused"])).to_be_visible()
    expect(page.locator("li.sent-row", has_text=f"Rappel non lu {tag}")).to_have_count(0)
    for badge in page.locator("li.sent-row .badge.delivery").all_inner_texts():
        assert badge == words["refused"]  # every row listed is refused qualified mail
    web.check("sent-filtered")
    page.get_by_role("link", name=f"Sommation {tag}").click()
    page.get_by_role("heading", level=1, name=f"Sommation {tag}").wait_for()
    expect(page.locator(".facts")).to_contain_text(words["recipient"])
    expect(page.locator(".facts")).to_contain_text("0852093431 · Demo Bakery SRL")
    expect(page.locator(".badge", has_text=words["refused"])).to_be_visible()
    page.get_by_role("heading", name=words["evidence"]).wait_for()
    page.get_by_role("button", name=re.compile(words["verify"])).click()  # the sender sees the signed records
    expect(page.get_by_role("status").filter(has_text=words["verified"])).to_be_visible()
    web.check("sent-message")
    page.get_by_role("link", name=re.compile(words["back"])).click()
    page.wait_for_url(re.compile(r"#/sent$"))
    page.get_by_label(words["read"]).select_option("false")  # unread only
    page.get_by_role("button", name=words["show"], exact=True).click()
    page.locator("li.sent-row", has_text=f"Rappel non lu {tag}").wait_for()
    expect(page.locator("li.sent-row .badge", has_text=words["unread"]).first).to_be_visible()
