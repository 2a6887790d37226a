"""Settings: everyone chooses how they hear of new documents; Demo Bakery's administrator also adds a
partition, grants it to a new person, orders the routing rules and chooses "e-Box only". Bruno, not an
administrator, sees only his own notification settings. (What changes the shared demo e-Box is undone,
so that the other end-to-end tests find it as seeded.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser.conftest import WebPage

TEXT = {
    "fr": {"settings": "Paramètres", "mode": "Me prévenir", "email": "Adresse e-mail", "save": "Enregistrer",
           "saved": "Enregistré", "daily": "Une fois par jour, en un e-mail", "partition_id": "Identifiant",
           "partition_name": "Nom", "add_partition": "Ajouter la partition", "ssin": "Numéro national (NISS)",
           "add_user": "Ajouter la personne", "save_rights": "Enregistrer les droits", "value": "vaut",
           "add_rule": "Ajouter la règle", "save_rules": "Enregistrer les règles", "criterion": "Quand",
           "only": "e-Box seulement, plus de papier", "paper": "Papier aussi", "users": "Personnes et leurs droits",
           "remove": "Retirer"},
    "nl": {"settings": "Instellingen", "mode": "Mij verwittigen", "email": "E-mailadres", "save": "Bewaren",
           "saved": "Bewaard", "daily": "Eén keer per dag, in één e-mail", "partition_id": "Code",
           "partition_name": "Naam", "add_partition": "Partitie toevoegen", "ssin": "Rijksregisternummer (INSZ)",
           "add_user": "Persoon toevoegen", "save_rights": "Rechten bewaren", "value": "gelijk is aan",
           "add_rule": "Regel toevoegen", "save_rules": "Regels bewaren", "criterion": "Als",
           "only": "Alleen e-Box, geen papier", "paper": "Ook papier", "users": "Personen en hun rechten",
           "remove": "Verwijderen"},
}


@pytest.fixture
def anna_preference_undone(base_url: str) -> Iterator[None]:
    """Anna's notification preference goes back to none: the contact address is e-mailed again, as the
    other end-to-end tests expect of the seeded e-Box."""
    yield
    token = requests.post(f"{base_url}/oauth/token", timeout=60, data={
        "grant_type": "client_credentials", "client_id": "user-anna", "client_secret": "demo-secret"}).json()
    requests.delete(f"{base_url}/messageRegistry/v3/ebox/users/me/notificationPreferences", timeout=60,
                    headers={"Authorization": f"Bearer {token['access_token']}"})


@pytest.mark.usefixtures("anna_preference_undone")
def test_an_administrator_manages_partitions_people_rules_and_preferences(web: WebPage, tag) -> None:
    words = TEXT[web.language]
    partition = f"LEGAL-{tag.upper()}"
    person = f"{int(tag, 16) % 10**11:011d}"
    web.log_in("Anna")
    page = web.page
    page.get_by_role("link", name=words["settings"]).click()
    page.get_by_label(words["mode"]).select_option(label=words["daily"])
    page.get_by_label(words["email"]).fill(f"anna.{tag}@demo-bakery.example")
    page.locator("#notifications-title ~ form").get_by_role("button", name=words["save"]).click()
    page.locator("#notifications-title ~ form").get_by_text(words["saved"]).wait_for()

    page.get_by_role("button", name=words["only"]).click()
    expect(page.get_by_role("button", name=words["only"])).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name=words["paper"]).click()
    expect(page.get_by_role("button", name=words["paper"])).to_have_attribute("aria-pressed", "true")

    page.get_by_label(words["partition_id"]).fill(partition)
    page.get_by_label(words["partition_name"], exact=True).fill(f"Juridique {tag}")
    page.get_by_role("button", name=words["add_partition"]).click()
    page.get_by_text(f"Juridique {tag}").wait_for()

    page.locator("#new-ssin").fill(person)
    page.get_by_role("button", name=words["add_user"]).click()
    rights = page.get_by_role("group", name=re.compile(person))
    rights.get_by_label(partition).check()
    rights.get_by_role("button", name=words["save_rights"]).click()
    rights.get_by_text(words["saved"]).wait_for()
    web.check("settings-admin")

    rules = page.locator("ol.rules li")
    before = rules.count()
    page.get_by_label(words["criterion"], exact=True).select_option("senderOrganizationId")
    page.get_by_label(words["value"], exact=True).fill("0999999980")
    page.locator("#rule-partition").select_option(partition)
    page.get_by_role("button", name=words["add_rule"]).click()
    page.get_by_role("button", name=words["save_rules"]).click()
    page.locator("#routing-title ~ .gate-actions").get_by_text(words["saved"]).wait_for()
    page.reload()  # the session is in memory: logging in again shows what the API kept
    page.locator("button.primary").click()
    web.choose_person("Anna")
    page.get_by_role("heading", name=words["settings"]).wait_for()  # back where she was
    expect(rules).to_have_count(before + 1)
    expect(rules.last).to_contain_text(partition)
    page.get_by_role("button", name=re.compile(f"{words['remove']}.*0999999980")).click()
    page.get_by_role("button", name=words["save_rules"]).click()
    page.locator("#routing-title ~ .gate-actions").get_by_text(words["saved"]).wait_for()
    expect(rules).to_have_count(before)


def test_someone_who_is_not_an_administrator_sees_only_their_own_settings(web: WebPage) -> None:
    words = TEXT[web.language]
    web.log_in("Bruno")
    page = web.page
    page.get_by_role("link", name=words["settings"]).click()
    page.get_by_label(words["mode"]).wait_for()
    expect(page.get_by_role("heading", name=words["users"])).to_have_count(0)
    web.check("settings-user")
