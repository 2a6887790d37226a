"""Someone consulting an e-Box: the enterprise's own client (the whole e-Box) or a person of the
enterprise (the partitions they hold rights on). Every lookup is keyed by the reader's own e-Box and
checked against their partitions, so a message of another enterprise, or of a partition the reader
has no rights on, is indistinguishable from one that does not exist (404 NOT_FOUND).

This is the one place that decides who sees which message: every endpoint that reads, changes,
answers or packages a message gets it through :class:`Consultation`."""

from __future__ import annotations

from dataclasses import dataclass

from ebox.domain.access import EboxReader
from ebox.domain.documents import sha256_b64url
from ebox.domain.errors import AcceptanceRequired, ContentIntegrityError, InvalidInput, NotFound
from ebox.domain.evidence import EvidenceEvent, sign_events
from ebox.domain.limits import check_result_window
from ebox.domain.message import Message, StoredAttachment
from ebox.domain.message_action import DONE
from ebox.domain.message_filter import MessageFilter
from ebox.domain.ports import ContentStore, EboxSummary, EvidenceSigner, MessageEvents, MessageIndex, ReplyLink

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
# Page numbers reach the first 1,000 messages of a listing (page 40 of 25, page 10 of 100): every page is
# then a bounded read, whatever the e-Box holds. Older ones are reached by narrowing (receivedBefore).
MAX_PAGE_DEPTH = 1000


@dataclass(frozen=True)
class MessagePage:
    items: list[Message]
    total_items: int


def page_request(page: str | None, page_size: str | None) -> tuple[int, int]:
    try:
        number = int(page) if page else 1
        size = int(page_size) if page_size else DEFAULT_PAGE_SIZE
    except ValueError:  # int() also refuses a number of more than 4300 digits
        raise InvalidInput("page and pageSize must be whole numbers") from None
    if number < 1:
        raise InvalidInput("page starts at 1")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
    check_result_window(number, size)
    return number, size


def _require_consent(message: Message) -> None:
    if message.content_withheld:
        raise AcceptanceRequired(
            f"message {message.message_id} is qualified registered mail: accept it first "
            f"(POST /messageRegistry/v3/ebox/messages/{message.message_id}/acceptance)"
        )


class Consultation:
    """``partitions`` None: the whole e-Box (the enterprise's own client); otherwise only those. It has
    no default on purpose: build it with ``ebox.api.readers.consultation`` (or ``for_reader``), which
    looks up a person's rights, rather than from a token's enterprise number alone."""

    def __init__(self, *, enterprise_number: str, partitions: frozenset[str] | None, index: MessageIndex,
                 content: ContentStore, events: MessageEvents, signer: EvidenceSigner, ssin: str | None = None) -> None:
        self._ebox = enterprise_number
        self._index = index
        self._content = content
        self._events = events
        self._signer = signer
        self._reader = EboxReader(enterprise_number, partitions, ssin)

    @classmethod
    def for_reader(cls, reader: EboxReader, *, index: MessageIndex, content: ContentStore, events: MessageEvents,
                   signer: EvidenceSigner) -> Consultation:
        return cls(enterprise_number=reader.enterprise_number, partitions=reader.partitions, index=index,
                   content=content, events=events, signer=signer, ssin=reader.ssin)

    @property
    def enterprise_number(self) -> str:
        return self._ebox

    @property
    def partitions(self) -> frozenset[str] | None:
        return self._reader.partitions

    def summary(self) -> EboxSummary:
        return self._index.summary(self._ebox, self._reader.partitions)

    def messages(self, page: int, page_size: int, wanted: MessageFilter | None = None) -> MessagePage:
        if page * page_size > MAX_PAGE_DEPTH:
            raise InvalidInput(
                f"page {page} of {page_size} goes beyond the first {MAX_PAGE_DEPTH} messages a listing pages "
                f"through: ask for older ones with receivedBefore (the receiptDate of the last message you have)"
            )
        items, total = self._index.inbox(self._ebox, partitions=self._reader.partitions,
                                         wanted=wanted or MessageFilter(), page=page, page_size=page_size)
        return MessagePage(items=items, total_items=total)

    def message(self, message_id: str) -> Message:
        message = self._index.get(self._ebox, message_id)
        if message is None or not self._reader.may_see(message.recipient, message.partition):
            raise NotFound(f"message {message_id} is not in this e-Box")
        return message

    def replies(self, message: Message) -> list[ReplyLink]:
        """The replies this e-Box sent to one of its messages (only a message that allows replies has any)."""
        return self._index.replies(message.message_id) if message.is_reply_authorized else []

    def mark_action_done(self, message_id: str, *, now: str) -> Message:
        """Marks the message's action done, once: marking it again answers its state unchanged."""
        message = self.message(message_id)
        if message.action is None:
            raise NotFound(f"message {message_id} is not for action")
        _require_consent(message)
        if message.action.status == DONE:
            return message
        by = self._reader.ssin or self._ebox
        if self._index.mark_action_done(self._ebox, message_id, when=now, by=by):
            message.action = message.action.done(at=now, by=by)
            return message
        return self.message(message_id)  # marked done meanwhile by someone else

    def set_visibility(self, changes: dict[str, bool]) -> None:
        """Hides or shows messages; if any is not the reader's to see, nothing changes (404)."""
        for message_id in changes:
            self.message(message_id)
        self._index.set_visibility(self._ebox, changes)

    def attachment(self, message_id: str, attachment_id: str) -> tuple[Message, StoredAttachment]:
        """A document's description (its name, title and digest are content: withheld until accepted)."""
        message = self.message(message_id)
        _require_consent(message)
        attachment = message.attachment(attachment_id)
        if attachment is None:
            raise NotFound(f"attachment {attachment_id} is not part of message {message_id}")
        return message, attachment

    def attachment_content(self, message_id: str, attachment_id: str, *, now: str) -> tuple[StoredAttachment, bytes]:
        """The exact bytes published, checked against their digest; opening the main content reads it."""
        message, attachment = self.attachment(message_id, attachment_id)
        data = self._content.open_document(attachment)
        if sha256_b64url(data) != attachment.sha256_b64url:
            raise ContentIntegrityError(f"attachment {attachment_id} of {message_id} fails its digest check")
        if attachment.is_main_content:
            self._mark_read(message, now)
        return attachment, data

    def attachment_opened(self, message_id: str, attachment_id: str, *, now: str) -> StoredAttachment:
        """A large document handed over by a link to its stored bytes (checked against their digest when
        it was published); opening the main content reads the message, as for the bytes themselves."""
        message, attachment = self.attachment(message_id, attachment_id)
        if attachment.is_main_content:
            self._mark_read(message, now)
        return attachment

    def body(self, message_id: str, *, now: str) -> dict[str, str]:
        message = self.message(message_id)
        _require_consent(message)
        if message.body is None:
            raise NotFound(f"message {message_id} has no body")
        if message.is_body_main_content:
            self._mark_read(message, now)
        return message.body

    def _mark_read(self, message: Message, now: str) -> None:
        """The first opening of the main content is the ContentHandover, signed and chained."""
        if message.read_status:
            return
        evidence = sign_events([(EvidenceEvent.CONTENT_HANDOVER, None)], message=message,
                               head=self._index.evidence_head(message.message_id), event_time=now,
                               signer=self._signer)
        if self._index.mark_read(self._ebox, message.message_id, now, evidence, partition=message.partition):
            message.read_status = True
            self._events.message_read(message, now)
