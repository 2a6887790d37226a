"""How a person of an e-Box wants to hear of new documents: per message, in a daily digest, or not at
all, at an address of their choice and in one language (nl, fr, de; none: the three).

Who hears of a message (:func:`recipients_for`): the people with a preference who hold rights on the
message's partition, each as their mode wants it. When none of the people who hold rights on that
partition has set a preference, the e-Box's contact address is notified, as before preferences existed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from ebox.domain.access import EboxReader
from ebox.domain.errors import InvalidInput, MissingScope, NotFound
from ebox.domain.message import LANGUAGES
from ebox.domain.partitions import EboxUser, ssin

ME = "me"
CONTACT = "CONTACT"  # the recipient key of the e-Box's contact address
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL_LENGTH = 254


class Mode(StrEnum):
    PER_MESSAGE = "PER_MESSAGE"
    DAILY_DIGEST = "DAILY_DIGEST"
    NONE = "NONE"


class Kind(StrEnum):
    """What an e-mail is about; part of its send-once claim."""

    NEW_DOCUMENT = "NEW"
    REMINDER = "REMINDER"
    EXPIRATION_ALERT = "EXPIRY"
    DIGEST = "DIGEST"


@dataclass(frozen=True)
class NotificationPreference:
    ssin: str
    mode: Mode
    email: str | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ssin": self.ssin, "mode": self.mode.value, "email": self.email, "language": self.language}


@dataclass(frozen=True)
class Recipient:
    """Someone to e-mail: a person (``key`` their SSIN) or the e-Box's contact address (``CONTACT``)."""

    key: str
    email: str
    language: str | None = None


def parse_preference(person: str, body: object) -> NotificationPreference:
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object: {\"mode\": ..., \"email\": ..., \"language\": ...}")
    unknown = set(body) - {"mode", "email", "language", "ssin"}
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}")
    try:
        mode = Mode(str(body.get("mode")))
    except ValueError:
        raise InvalidInput(f"mode must be one of {', '.join(m.value for m in Mode)}") from None
    email = body.get("email")
    if email is not None and (not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH
                              or not _EMAIL.match(email)):
        raise InvalidInput("email must be an e-mail address such as anna@example.be")
    if email is None and mode is not Mode.NONE:
        raise InvalidInput(f"mode {mode.value} needs an email")
    language = body.get("language")
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)} (or left out: all three)")
    return NotificationPreference(person, mode, email, language)


def recipients_for(partition: str, *, preferences: Iterable[NotificationPreference], users: Iterable[EboxUser],
                   contact_email: str | None, modes: frozenset[Mode]) -> list[Recipient]:
    """Who gets an e-mail about a message of ``partition`` of one e-Box, given that e-Box's preferences
    and users: persons whose mode is in ``modes`` and who hold rights on the partition; or the contact
    address when nobody with rights on it has a preference."""
    rights = {u.ssin: u.partitions for u in users}
    concerned = [p for p in preferences if partition in rights.get(p.ssin, frozenset())]
    if not concerned:
        return [Recipient(CONTACT, contact_email)] if contact_email else []
    return [Recipient(p.ssin, p.email, p.language) for p in sorted(concerned, key=lambda p: p.ssin)
            if p.mode in modes and p.mode is not Mode.NONE and p.email]


class PreferenceStore(Protocol):
    """The storage side (ebox.adapters.notification_store)."""

    def preference(self, enterprise_number: str, person: str) -> NotificationPreference | None: ...
    def save_preference(self, enterprise_number: str, preference: NotificationPreference) -> None: ...
    def delete_preference(self, enterprise_number: str, person: str) -> None: ...


class UserDirectory(Protocol):
    def ebox_user(self, enterprise_number: str, ssin: str) -> EboxUser | None: ...


class NotificationSettings:
    """A reader's view of preferences: their own (``me``), or, for an administrator, anyone's of their
    e-Box. A person who is not a user of the reader's e-Box does not exist here (404)."""

    def __init__(self, reader: EboxReader, store: PreferenceStore, directory: UserDirectory) -> None:
        self._reader = reader
        self._store = store
        self._directory = directory
        self._ebox = reader.enterprise_number

    def _person(self, who: str, *, changing: bool) -> str:
        if who == ME:
            if self._reader.ssin is None:
                raise InvalidInput("the enterprise's own client has no preferences of its own: name a person, "
                                   "…/users/{ssin}/notificationPreferences")
            return self._reader.ssin
        person = ssin(who)
        if person != self._reader.ssin:
            if changing:
                raise MissingScope("a person sets their own notification preferences (…/users/me/…)")
            self._reader.require_admin()
        if self._directory.ebox_user(self._ebox, person) is None:
            raise NotFound(f"{person} is not a user of this e-Box")
        return person

    def get(self, who: str) -> NotificationPreference:
        person = self._person(who, changing=False)
        found = self._store.preference(self._ebox, person)
        if found is None:
            raise NotFound(f"{person} has set no notification preference: the e-Box's contact address is notified")
        return found

    def save(self, who: str, body: object) -> NotificationPreference:
        preference = parse_preference(self._person(who, changing=True), body)
        self._store.save_preference(self._ebox, preference)
        return preference

    def delete(self, who: str) -> None:
        self._store.delete_preference(self._ebox, self._person(who, changing=True))
