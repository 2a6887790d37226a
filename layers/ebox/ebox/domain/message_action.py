"""Messages "for action": a sender asks the enterprise to do something by a date (pay, sign, answer,
...). Our extension of the v3 `messageToPublish`:

    "action": {"kind": "PAYMENT", "dueDate": "2027-01-31", "link": "https://pay.example/inv/42"}

The recipient marks it done (TODO → DONE, once: marking it again changes nothing); the sender reads
the status with searchMessageStatus; an action whose due date has passed while still TODO is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ebox.domain.errors import InvalidInput

ACTION_KINDS = ("PAYMENT", "SIGNATURE", "RESPONSE", "DOCUMENT", "OTHER")
TODO = "TODO"
DONE = "DONE"
MAX_LINK = 2000


@dataclass(frozen=True)
class MessageAction:
    kind: str
    due_date: str  # YYYY-MM-DD: overdue from the next day (UTC) while still TODO
    link: str | None = None
    status: str = TODO
    done_at: str | None = None
    done_by: str | None = None  # the person's SSIN, or the enterprise number for its own client

    def is_overdue(self, today: date) -> bool:
        return self.status == TODO and self.due_date < today.isoformat()

    def done(self, *, at: str, by: str) -> MessageAction:
        return replace(self, status=DONE, done_at=at, done_by=by)

    def to_dict(self) -> dict[str, Any]:
        """What the publication asked for (stored with the message; the status is kept beside it)."""
        return {"kind": self.kind, "dueDate": self.due_date, **({"link": self.link} if self.link else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, status: str | None = None, done_at: str | None = None,
                  done_by: str | None = None) -> MessageAction:
        return cls(data["kind"], data["dueDate"], data.get("link"), status or TODO, done_at, done_by)


def parse_action(value: Any) -> MessageAction | None:
    """`action` of a messageToPublish; None when absent. Every failure names the field at fault."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput("action must be an object {kind, dueDate, link?}")
    unknown = set(value) - {"kind", "dueDate", "link"}
    if unknown:
        raise InvalidInput(f"action: unknown field(s) {', '.join(sorted(unknown))}")
    kind = value.get("kind")
    if kind not in ACTION_KINDS:
        raise InvalidInput(f"action.kind must be one of {', '.join(ACTION_KINDS)}")
    return MessageAction(str(kind), _due_date(value.get("dueDate")), _link(value.get("link")))


def _due_date(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 10:
        raise InvalidInput("action.dueDate is required: a date, YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidInput(f"action.dueDate '{value}' is not a date (YYYY-MM-DD)") from None


def _link(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_LINK:
        raise InvalidInput(f"action.link must be an https URL of at most {MAX_LINK} characters")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in value):
        raise InvalidInput("action.link must be an absolute https URL")
    return value


def parse_status_update(body: Any) -> str:
    """`{"status": "DONE"}`: the only change a recipient makes to an action."""
    if not isinstance(body, dict) or body.get("status") != DONE:
        raise InvalidInput('the body is {"status": "DONE"}: an action can be marked done, not undone')
    return DONE
