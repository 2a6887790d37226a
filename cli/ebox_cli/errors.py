"""What can go wrong talking to the e-Box, as classes: the commands report each one the same way (exit 1)."""

from __future__ import annotations

from typing import Any


class CliError(Exception):
    """A failure to tell the person about in one line, without a traceback."""


class BatchInputError(CliError):
    """The CSV or the folder cannot make a batch."""


class UploadFailed(CliError):
    """A bulk import's archive could not be put where the upload URL points."""


class PackageRefused(CliError):
    """A download job failed, or the package is not what its manifest (or the API) says it is."""


class ApiError(CliError):
    """The API answered with an error: its StatusMessage (or RFC 6749 OAuth2 error) code and message."""

    def __init__(self, status: int, code: str, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body or {}


class UnexpectedAnswer(ApiError):
    """The API answered successfully, but not with what its contract promises."""

    def __init__(self, what: str) -> None:
        super().__init__(0, "UNEXPECTED_ANSWER", what)


class ApiUnreachable(CliError):
    """No HTTP answer at all: nothing listens at the URL, the name does not resolve, or it timed out."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(f"the e-Box API is not reachable at {base_url} ({reason})")
        self.base_url = base_url
        self.reason = reason


class DigestMismatch(CliError):
    """A downloaded document is not the one whose SHA-256 the message's metadata records."""

    def __init__(self, file_name: str, expected: str, actual: str, against: str = "the message's metadata") -> None:
        super().__init__(f"DIGEST_DO_NOT_MATCH: {file_name} is not the document published: its SHA-256 is {actual}, "
                         f"but {against} says {expected or '(no digest)'}. Nothing was saved.")
        self.file_name = file_name
        self.expected = expected
        self.actual = actual


class SaveFailed(CliError):
    """A verified document could not be written to disk."""
