"""A citizen logs in through the local OpenID Connect provider and reads her own My eBox (keyed by her
SSIN): a message an institution sent her, and none of Demo Bakery's, whose e-Box she also holds rights on
as a person of the enterprise. In French at 1440 px and Dutch at 375 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.browser.conftest import WebPage

ANNA_SSIN = "85073003328"
TEXT = {
    "fr": {"inbox": "Boîte de réception", "my_ebox": "Mon eBox", "settings": "Paramètres"},
    "nl": {"inbox": "Inbox", "my_ebox": "Mijn eBox", "settings": "Instellingen"},
}


def test_a_citizen_reads_her_own_my_ebox(web: WebPage, publish, tag) -> None:
    words = TEXT[web.language]
    mine = publish(f"Votre avis personnel {tag}", body=f"Bonjour Anna {tag}",
                   recipient={"eboxType": "citizen", "ssin": ANNA_SSIN})
    publish(f"Pour la boulangerie {tag}")  # Demo Bakery's: not in her My eBox
    web.log_in("Anna", citizen=True)
    page = web.page
    page.get_by_role("heading", name=words["inbox"]).wait_for()
    expect(page.locator(".enterprise")).to_have_text(words["my_ebox"])
    expect(page.get_by_role("link", name=words["settings"])).to_have_count(0)
    page.get_by_role("searchbox").fill(tag)
    page.get_by_role("searchbox").press("Enter")
    row = page.locator("li.row", has_text=f"Votre avis personnel {tag}")
    row.wait_for()
    expect(page.locator("li.row", has_text=f"Pour la boulangerie {tag}")).to_have_count(0)
    web.check("citizen-inbox")
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(mine))
    page.get_by_text(f"Bonjour Anna {tag}").wait_for()
    web.check("citizen-message")
