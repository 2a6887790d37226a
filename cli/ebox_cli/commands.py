"""`ebox`: publish to an enterprise's e-Box, consult one, see the e-mails the local stack sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ebox_cli.api_client import ApiError, Client, Unreachable, message_to_publish, sha256_b64url
from ebox_cli.output import console, evidence_table, inbox_table, mail_table, message_panel

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)

ApiUrl = Annotated[str, typer.Option("--api", envvar="EBOX_API_URL", help="base URL of the e-Box API")]
ClientId = Annotated[str, typer.Option("--client-id", envvar="EBOX_CLIENT_ID", help="OAuth2 client id")]
Secret = Annotated[str, typer.Option("--client-secret", envvar="EBOX_CLIENT_SECRET", help="OAuth2 client secret")]
AsJson = Annotated[bool, typer.Option("--json", help="print the API's JSON answer")]
Language = Annotated[str, typer.Option("--lang", help="language shown: fr, nl or de")]
DEFAULT_API = "http://127.0.0.1:8000"


def _fail(error: Exception) -> typer.Exit:
    err = console(stderr=True)
    if isinstance(error, ApiError):
        err.print(f"[red]{error.code}[/red] (HTTP {error.status}): {error.message}")
    else:
        err.print(f"[red]{error}[/red] — is the local stack running? Start it with `make run`.")
    return typer.Exit(code=1)


def _call(action: Any) -> Any:
    try:
        return action()
    except (ApiError, Unreachable) as error:
        raise _fail(error) from None


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command()
def publish(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="documents; the first is the "
                                                "main content")] = [],  # noqa: B006 - Typer's default
    to: Annotated[str, typer.Option("--to", help="recipient's enterprise number")] = ...,  # type: ignore[assignment]
    subject: Annotated[str, typer.Option(help="subject of the message")] = ...,  # type: ignore[assignment]
    body: Annotated[str | None, typer.Option(help="body text (the main content when no file is given)")] = None,
    language: Annotated[str, typer.Option("--subject-lang", help="language of subject and body")] = "fr",
    message_type: Annotated[str, typer.Option("--type", help="message type id")] = "demo-notice",
    application: Annotated[str, typer.Option("--app", help="sender application id")] = "demo-app",
    sender: Annotated[str, typer.Option(envvar="EBOX_SENDER_ORG", help="sender's enterprise number")] = "0406798006",
    idempotency_key: Annotated[str | None, typer.Option(help="Idempotency-Key header")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = "", client_secret: Secret = "", as_json: AsJson = False,
) -> None:
    """Publish a message (documents and/or a body) to an enterprise's e-Box."""
    if not files and not body:
        raise typer.BadParameter("give at least one document or a --body")
    message = message_to_publish(sender=sender, application=application, message_type=message_type, recipient=to,
                                 subject=subject, language=language, body=body, files=files)
    client = Client(api, client_id, client_secret)
    answer = _call(lambda: client.publish(message, files, idempotency_key))
    if as_json:
        _print_json(answer)
        return
    out = console()
    out.print(f"published [bold]{answer['messageId']}[/bold], available until {answer['expirationDate']}")
    if answer.get("code") == "NO_DIGITAL_USER":
        out.print("[yellow]NO_DIGITAL_USER[/yellow]: the recipient never opened its e-Box; send it on paper too.")


@app.command()
def inbox(
    page: Annotated[int, typer.Option(min=1)] = 1,
    page_size: Annotated[int, typer.Option(min=1, max=100)] = 25,
    language: Language = "fr",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = "", client_secret: Secret = "", as_json: AsJson = False,
) -> None:
    """List the messages of your e-Box, newest first."""
    client = Client(api, client_id, client_secret)
    listing = _call(lambda: client.messages(page, page_size))
    if as_json:
        _print_json(listing)
        return
    console().print(inbox_table(listing, _call(client.summary), language))


@app.command()
def read(
    message_id: Annotated[str, typer.Argument(help="the message to read")],
    save_dir: Annotated[Path, typer.Option(file_okay=False, help="where documents are saved")] = Path(),
    language: Language = "fr",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = "", client_secret: Secret = "", as_json: AsJson = False,
) -> None:
    """Show a message and save its documents (digests checked). Opening the main content marks it read."""
    client = Client(api, client_id, client_secret)
    message = _call(lambda: client.message(message_id))
    body = _call(lambda: _body_or_none(client, message_id))
    saved = []
    for attachment in message.get("attachments", {}).get("items", []):
        data = _call(lambda a=attachment: client.content(a["contentHref"]))
        expected = attachment.get("digest", {}).get("digestValue")
        if expected and sha256_b64url(data) != expected:
            console(stderr=True).print(f"[red]DIGEST_DO_NOT_MATCH[/red]: {attachment['fileName']} is not the "
                                       "document published; nothing saved.")
            raise typer.Exit(code=1)
        save_dir.mkdir(parents=True, exist_ok=True)
        target = save_dir / Path(attachment["fileName"]).name
        target.write_bytes(data)
        saved.append(str(target))
    if as_json:
        _print_json({"message": message, "body": body, "saved": saved})
        return
    out = console()
    out.print(message_panel(message, body, language))
    for path in saved:
        out.print(f"saved {path} (SHA-256 checked)")


def _body_or_none(client: Client, message_id: str) -> dict[str, str] | None:
    try:
        return client.body(message_id)
    except ApiError as error:
        if error.status == 404:
            return None
        raise


evidence_app = typer.Typer(help="Signed evidence of a message's delivery.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("verify")
def verify_evidence(
    source: Annotated[str, typer.Argument(help="a message id (fetched from the API), or a JSON file saved "
                                               "from its /evidences answer")],
    document: Annotated[list[Path], typer.Option("--document", exists=True, dir_okay=False,
                                                 help="a document whose digest must be in the records")] = [],  # noqa: B006
    jwks_file: Annotated[Path | None, typer.Option("--jwks", exists=True, dir_okay=False,
                                                   help="trusted keys (default: the API's /evidence/keys)")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = "", client_secret: Secret = "",
) -> None:
    """Check every signature, the chain of records and the documents' digests; say plainly what holds."""
    from ebox_cli.evidence_check import verify_records

    client = Client(api, client_id, client_secret)
    path = Path(source)
    items = json.loads(path.read_text())["items"] if path.is_file() else _call(lambda: client.evidences(source))
    jwks = json.loads(jwks_file.read_text()) if jwks_file else _call(client.evidence_keys)
    verdict = verify_records([i["jws"] if isinstance(i, dict) else str(i) for i in items], jwks, document)
    out = console()
    out.print(evidence_table(verdict.rows))
    for problem in verdict.problems:
        out.print(f"[red]✗[/red] {problem}")
    if verdict.ok:
        out.print(f"[green]✓ all {len(items)} records are signed by a trusted key, chained in order and "
                  "unaltered[/green]")
        return
    raise typer.Exit(code=1)


@app.command()
def mail(api: ApiUrl = DEFAULT_API, as_json: AsJson = False) -> None:
    """The e-mails the local stack sent (SES is emulated: they stay on this machine)."""
    mails = _call(lambda: Client(api, "", "").mail())
    if as_json:
        _print_json(mails)
        return
    console().print(mail_table(mails))


@app.command()
def token(scope: Annotated[str | None, typer.Option(help="space-separated scopes")] = None,
          api: ApiUrl = DEFAULT_API, client_id: ClientId = "", client_secret: Secret = "") -> None:
    """Print an access token, for curl."""
    typer.echo(_call(lambda: Client(api, client_id, client_secret).token(scope)))

