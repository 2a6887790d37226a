"""The message item keeps a compact document (ebox.adapters.stored_document, decision 0023): what is read back
is the message that was published, whatever it holds; items written before in the whole-record format read
as they did, and the release before this one reads the new documents (a rollback loses nothing)."""

from dataclasses import replace

import pytest
from ebox.adapters.inbox_pages import to_message
from ebox.adapters.message_index import message_item
from ebox.adapters.tables.message_items import MessageItem
from ebox.domain.message import Message, StoredAttachment
from ebox.domain.message_action import MessageAction
from ebox.domain.records import message_from_record, message_to_record
from ebox.domain.search import search_texts

from bench.cost import item_size

MESSAGE_ID = "01a22b69-69bb-78dd-bc28-8a18d3371f71"
PDF = StoredAttachment(attachment_id="5de017cc068efffb", file_name="avis.pdf", media_type="application/pdf",
                       size=2816, is_main_content=True, is_signed=False, title=None,
                       sha256_b64url="mI9tQJf_XZY3M_NBPSmiArp76U6J4Rz7j80FpT2A6X0",
                       content_key=f"messages/{MESSAGE_ID}/attachments/5de017cc068efffb")
SIMPLE = Message(message_id=MESSAGE_ID, recipient="0852093431", sender_organization_id="0406798006",
                 sender_application_id="demo-app", message_type_id="demo-notice",
                 subject={"fr": "Avis de cotisation", "nl": "Bijdragebericht"}, receipt_date="2026-11-30T07:34:40Z",
                 expiration_date="2028-11-30T07:34:40Z", is_body_main_content=False, is_reply_authorized=False,
                 is_registered_mail=False, body=None, attachments=[PDF])
NAMES = [{"fr": "Office national de sécurité sociale", "nl": "Rijksdienst voor sociale zekerheid",
          "de": "Landesamt für soziale Sicherheit"}]


def searchable(message: Message, *, sealed: bool = False) -> Message:
    message = replace(message, search_text=search_texts(message, NAMES))
    if sealed:
        message.sealed_search_text = search_texts(message, NAMES, sealed=True)
    return message


def stored_and_read(message: Message) -> Message:
    item = message_item(message)
    return to_message(MessageItem.from_raw_data(item.serialize()))


def raw(item: MessageItem) -> dict:
    return item.serialize()


def test_a_simple_message_is_read_back_as_published_from_an_item_of_2_kb():
    message = searchable(SIMPLE)
    assert stored_and_read(message) == message
    assert item_size(raw(message_item(message))) <= 2048  # 2,572 bytes with the whole record: 3 KB


def test_the_release_before_reads_the_new_documents_as_they_are():
    message = searchable(replace(SIMPLE, body={"fr": "Contenu"}, partition="HR"))
    item = MessageItem.from_raw_data(raw(message_item(message)))
    assert message_from_record(item.document) == replace(message, search_text={})  # its to_message did this


@pytest.mark.parametrize("changes", [
    {"body": {"fr": "Le détail de votre cotisation. " * 40}, "is_body_main_content": True},
    {"business_data": [{"key": "dossier", "values": [{"fr": "A-12"}]}], "sender_partition": "TAX",
     "for_the_attention_of": {"name": "Anna"}, "is_reply_authorized": True, "partition": "ACCOUNTING"},
    {"attachments": [replace(PDF, is_signed=True, title={"fr": "Avis"}, content_key="bulk/0406798006/b1.zip#0-2815")]},
    {"is_registered_mail": True, "registered_mail_type": "registered", "recipient_has_digital_ebox": False},
    {"action": MessageAction("PAY", "2026-12-31", "https://pay.example/1"), "original_message_id": MESSAGE_ID},
])
def test_whatever_a_message_holds_it_is_read_back_as_published(changes):
    message = searchable(replace(SIMPLE, **changes))
    assert stored_and_read(message) == message


def test_qualified_mail_keeps_its_full_search_texts_for_when_it_is_accepted():
    message = searchable(replace(SIMPLE, is_registered_mail=True, registered_mail_type="qualified",
                                 delivery_state="awaiting_acceptance", body={"fr": "secret du contenu"}), sealed=True)
    item = message_item(message)
    assert "secret" not in (item.search_fr or "")  # a search cannot find the withheld content …
    read = stored_and_read(message)
    assert read == message
    assert "secret" in replace(read, delivery_state="accepted").searchable_text["fr"]  # … until it is accepted


def test_an_item_written_before_with_the_whole_record_reads_as_it_did():
    message = searchable(replace(SIMPLE, body={"nl": "Inhoud"}))
    item = message_item(message)
    item.document = message_to_record(message)
    assert to_message(MessageItem.from_raw_data(raw(item))) == message
