"""Every notification e-mail is plain text and accessible HTML (multipart/alternative), in the person's
language, and leads to the message or the inbox in the web app."""

from __future__ import annotations

import email
import email.policy

from ebox.adapters.mailer import mime_message
from ebox.domain.notification import digest_email, new_document_email, reminders_email

from tests.email_html import outline

WEB = "https://ebox.example.be"
DETAIL = {"messageId": "m-1", "recipient": {"enterpriseNumber": "0852093431"}, "senderOrganizationId": "0406798006",
          "subject": {"fr": "Avis de cotisation", "nl": "Aanslagbiljet"}, "receiptDate": "2026-11-01T08:00:00Z",
          "expirationDate": "2028-11-01T08:00:00Z", "registeredMailType": "simple", "partition": "GENERAL"}
ONSS = {"fr": "ONSS", "nl": "RSZ", "de": "LSS"}


def test_a_new_document_email_in_french_as_text_and_html_with_the_same_link():
    mail = new_document_email(to="a@x.be", detail=DETAIL, sender_name=ONSS, enterprise_name="Bakery",
                              language="fr", web_url=WEB)
    link = f"{WEB}/#/messages/m-1"
    assert mail.subject == "e-Box: ONSS - Avis de cotisation"
    assert f"Ouvrir le message dans votre e-Box : {link}" in mail.text
    assert "Objet : Avis de cotisation" in mail.text and "Aanslagbiljet" not in mail.text
    page = outline(mail.html)
    assert page.problems() == []
    assert page.lang == "fr" and page.links == [(link, "Ouvrir le message dans votre e-Box")]
    assert page.headings == ["Nouveau document dans votre e-Box"]
    assert "Avis de cotisation" in page.text and "m-1" in page.text and "Aanslagbiljet" not in page.text


def test_without_a_language_each_language_is_a_section_of_its_own():
    mail = new_document_email(to="a@x.be", detail=DETAIL, sender_name=ONSS, enterprise_name="Bakery", web_url=WEB)
    page = outline(mail.html)
    assert page.problems() == []
    assert page.lang == "nl" and page.section_langs == ["fr", "de"]
    assert [text for _, text in page.links] == ["Het bericht openen in uw e-Box", "Ouvrir le message dans votre e-Box",
                                                "Die Nachricht in Ihrer e-Box öffnen"]
    assert "Aanslagbiljet" in mail.text and "Avis de cotisation" in mail.text  # each language's own subject
    assert mail.subject == "e-Box: RSZ - Aanslagbiljet / Avis de cotisation"


def test_digest_and_reminders_link_to_the_inbox_and_list_the_messages():
    digest = digest_email(to="a@x.be", day="2026-11-02", enterprise_number="0852093431", enterprise_name="Bakery",
                          messages=[(DETAIL, ONSS)], language="nl", web_url=WEB)
    page = outline(digest.html)
    assert page.problems() == [] and page.links == [(f"{WEB}/#/inbox", "Uw e-Box-inbox openen")]
    assert "<ul><li><strong>RSZ</strong>: Aanslagbiljet" in digest.html
    reminders = reminders_email(to="a@x.be", day="2026-11-16", enterprise_number="0852093431",
                                enterprise_name="Bakery", unread=[(DETAIL, ONSS)], expiring=[(DETAIL, ONSS)],
                                language="de", web_url=WEB)
    page = outline(reminders.html)
    assert page.problems() == [] and page.lang == "de"
    assert page.links == [(f"{WEB}/#/inbox?unread=1", "Ihre ungelesenen Dokumente in der e-Box öffnen")]
    assert page.headings[1:] == ["Nach 15 Tagen noch ungelesen: 1", "Verschwinden in 7 Tagen aus Ihrer e-Box: 1"]
    assert reminders.subject == "e-Box-Erinnerung 2026-11-16: 1 ungelesen, 1 verschwinden in 7 Tagen"


def test_a_senders_markup_is_text_in_the_html():
    detail = {**DETAIL, "subject": {"fr": '<img src="https://evil.example/x"> <a href="https://evil.example">ici</a>'}}
    mail = new_document_email(to="a@x.be", detail=detail, sender_name={"fr": "<b>ONSS</b>"},
                              enterprise_name="<script>Bakery</script>", language="fr", web_url=WEB)
    page = outline(mail.html)
    assert page.problems() == [] and len(page.links) == 1
    assert "&lt;img src=&quot;https://evil.example/x&quot;&gt;" in mail.html


def test_the_mime_message_is_multipart_alternative_text_first_in_utf_8():
    mail = new_document_email(to="a@x.be", detail=DETAIL, sender_name=ONSS, enterprise_name="Bäckerei",
                              language="de", web_url=WEB)
    raw = mime_message(sender="ebox@x.be", to=mail.to, subject=mail.subject, text=mail.text, html=mail.html)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())  # type: ignore[attr-defined]
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    lines = [p.get_content().replace("\r\n", "\n") for p in parts]  # SMTP's line ends
    assert lines == [mail.text, mail.html]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert parsed["Subject"] == mail.subject and parsed["To"] == "a@x.be"
    only_text = email.message_from_bytes(mime_message(sender="ebox@x.be", to="a@x.be", subject="s", text="t"),
                                         policy=email.policy.default)
    assert only_text.get_content_type() == "text/plain"
