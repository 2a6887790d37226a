"""What every `ebox` command shares: the options naming the API and the client, the client they build,
and how a command reports a failure (one red line, exit code 1) or prints the API's JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from ebox_cli import output
from ebox_cli.api_client import Credentials, EboxClient
from ebox_cli.errors import CliError

DEFAULT_API = "http://127.0.0.1:8000"
LANGUAGES = ("fr", "nl", "de")


def api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise typer.BadParameter(f"{value!r} is not an http(s) URL such as {DEFAULT_API}")
    return value


def language(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(LANGUAGES)}")
    return value


ApiUrl = Annotated[str, typer.Option("--api", envvar="EBOX_API_URL", callback=api_url,
                                     help="Base URL of the e-Box API.")]
ClientId = Annotated[str | None, typer.Option("--client-id", envvar="EBOX_CLIENT_ID", help="OAuth2 client id.")]
Secret = Annotated[str | None, typer.Option("--client-secret", envvar="EBOX_CLIENT_SECRET", show_default=False,
                                            help="OAuth2 client secret.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer instead.")]
Language = Annotated[str, typer.Option("--lang", callback=language,
                                       help="Language shown (fr, nl, de); another one when missing.")]
SubjectLanguage = Annotated[str, typer.Option("--subject-lang", callback=language,
                                              help="Language of the subject and body (fr, nl, de).")]
IdempotencyKey = Annotated[str | None, typer.Option("--idempotency-key", help="Sent as the Idempotency-Key header.")]


def client(api: str, client_id: str | None, client_secret: str | None) -> EboxClient:
    """The API client of `--client-id` / `--client-secret`; both missing or one of them is a usage error."""
    if not client_id or not client_secret:
        raise typer.BadParameter("missing; give both, or set EBOX_CLIENT_ID and EBOX_CLIENT_SECRET",
                                 param_hint="'--client-id' / '--client-secret'")
    return EboxClient(api, Credentials(client_id, client_secret))


@contextmanager
def reported() -> Iterator[None]:
    """Any `CliError` becomes one red message on stderr and exit code 1: never a traceback."""
    try:
        yield
    except CliError as error:
        output.console(stderr=True).print(output.failure(error))
        raise typer.Exit(code=1) from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
