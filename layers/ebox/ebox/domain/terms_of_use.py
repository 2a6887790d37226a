"""The terms of use a sender accepts to publish on the e-Box: versioned texts, each known by its digest.

A new version is added here (the old ones stay, so that an acceptance on record can still be shown with
the text it was given for); ``CURRENT_VERSION`` is the one a new request must accept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ebox.domain.encoding import b64url_encode
from ebox.domain.errors import InvalidInput


@dataclass(frozen=True)
class TermsOfUse:
    version: str
    text: str

    @property
    def sha256(self) -> str:
        """base64url SHA-256 of the UTF-8 text: what the acceptance evidence names."""
        return b64url_encode(hashlib.sha256(self.text.encode()).digest())

    def view(self) -> dict[str, str]:
        return {"version": self.version, "sha256": self.sha256, "text": self.text}


_TEXTS = {
    "2026-11": (
        "Terms of use of the e-Box platform for senders, version 2026-11.\n"
        "1. The sender publishes only documents it is legally entitled to send to the recipient, under the "
        "message types and levels (simple, registered, qualified) the platform operator approved.\n"
        "2. The sender authenticates with the credentials it was given, keeps its client secret confidential "
        "and tells the operator at once when it may have leaked.\n"
        "3. The sender does not put personal data in subjects or business data beyond what the message "
        "type's declared keys require.\n"
        "4. The operator may suspend a sender that breaks these terms; publications are then refused "
        "(INVALID_SENDER) and what was already published stays with its recipients.\n"
        "5. Callbacks are sent only to endpoints the sender verified, signed by the platform; the sender "
        "checks the signature before acting on them.\n"
    ),
}
CURRENT_VERSION = "2026-11"
TERMS = {version: TermsOfUse(version, text) for version, text in _TEXTS.items()}


def current_terms() -> TermsOfUse:
    return TERMS[CURRENT_VERSION]


def accepted_terms(version: object, sha256: object | None = None) -> TermsOfUse:
    """The terms a request says it accepts: only the current version, and (when given) its exact text."""
    if version != CURRENT_VERSION:
        raise InvalidInput(f"the terms of use to accept are version {CURRENT_VERSION} (GET /admin/v1/terms), "
                           f"not {version!r}")
    terms = TERMS[CURRENT_VERSION]
    if sha256 is not None and sha256 != terms.sha256:
        raise InvalidInput("termsOfUse.sha256 does not match the text of that version: read the terms again")
    return terms
