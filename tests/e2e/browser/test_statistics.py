"""Statistics in the web app: Olivier, the platform's operator, reads the e-Box's tables and charts; Chloé,
a clerk of ONSS, reads her organisation's own. In French at 1440 px and Dutch at 375 px."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser.conftest import WebPage
from tests.waiting import eventually

TEXT = {
    "fr": {"title": "Les statistiques de l'e-Box", "own": "Les statistiques de votre organisation",
           "statistics": "Statistiques", "eboxes": "e-Box", "activated": "Activées", "per_year": "Documents par an",
           "chart": "Documents publiés par an", "own_chart": "Vos documents par an",
           "months": "Nouvelles e-Box par mois", "outcomes": "Lecture et recommandés"},
    "nl": {"title": "De statistieken van de e-Box", "own": "De statistieken van uw organisatie",
           "statistics": "Statistieken", "eboxes": "e-Boxen", "activated": "Geactiveerd",
           "per_year": "Documenten per jaar", "chart": "Gepubliceerde documenten per jaar",
           "own_chart": "Uw documenten per jaar", "months": "Nieuwe e-Boxen per maand",
           "outcomes": "Lezen en aangetekende zendingen"},
}
ONSS = "0406798006"


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture(scope="module")
def operator_token(base_url: str) -> str:
    answer = requests.post(f"{base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": "ops-admin", "client_secret": "demo-secret"})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def test_the_operator_reads_the_tables_and_charts_and_a_clerk_her_own(web: WebPage, publish, tag, base_url,
                                                                      operator_token) -> None:
    words = TEXT[web.language]
    year = datetime.now(UTC).year
    publish(f"Statistique {tag}")

    def counted() -> dict[str, Any] | None:
        tables = requests.get(f"{base_url}/admin/v1/statistics", timeout=30,
                              headers={"Authorization": f"Bearer {operator_token}"}).json()
        mine = [r for r in tables["documentsPerSenderPerYear"] if r["organizationId"] == ONSS and r["year"] == year]
        return tables if mine and mine[0]["documents"] >= 1 else None

    before = eventually(counted)
    assert before, "the statistics did not count the publications in time"
    this_year = next(y["documents"] for y in before["documentsPerYear"] if y["year"] == year)

    web.log_in("Olivier")
    page = web.page
    page.get_by_role("heading", level=1, name=words["title"]).wait_for()
    eboxes = page.get_by_role("table", name=words["eboxes"], exact=True)
    activated = eboxes.get_by_role("row").filter(has=page.get_by_role("rowheader", name=words["activated"]))
    assert digits(activated.get_by_role("cell").inner_text()) == before["eboxes"]["activated"]
    per_year = page.get_by_role("table", name=words["per_year"])
    row = per_year.get_by_role("row").filter(has=page.get_by_role("rowheader", name=str(year)))
    assert digits(row.get_by_role("cell").first.inner_text()) >= this_year
    expect(page.get_by_role("img", name=re.compile(words["chart"]))).to_be_visible()
    expect(page.get_by_role("heading", name=words["months"])).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(words["outcomes"])).get_by_role(
        "rowheader", name=re.compile(ONSS)).first).to_be_visible()
    # A wide table scrolls on its own, reached with the keyboard.
    region = page.get_by_role("region", name=re.compile(words["outcomes"]))
    region.focus()
    expect(region).to_be_focused()
    web.check("statistics")

    clerk = web.new_tab()
    clerk.log_in("Chloé")
    clerk.page.get_by_role("link", name=words["statistics"], exact=True).click()
    clerk.page.get_by_role("heading", level=1, name=words["own"]).wait_for()
    own_year = clerk.page.get_by_role("table", name=words["per_year"]).get_by_role("row").filter(
        has=clerk.page.get_by_role("rowheader", name=str(year)))
    assert digits(own_year.get_by_role("cell").first.inner_text()) >= 1
    expect(clerk.page.get_by_role("img", name=re.compile(words["own_chart"]))).to_be_visible()
    senders = clerk.page.get_by_role("table", name=re.compile(words["outcomes"])).get_by_role("rowheader")
    assert {re.search(r"\((\d+)\)", s).group(1) for s in senders.all_inner_texts()} == {ONSS}  # hers only
    clerk.check("statistics-sender")
