"""`ebox`: publish to an enterprise's e-Box, consult one, see the e-mails the local stack sent.

Exit codes: 0 done; 1 the API refused, failed or is unreachable, or a document failed its digest check; 2 usage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape

from ebox_cli import bulk_download, downloads, output
from ebox_cli.api_client import Credentials, EboxClient
from ebox_cli.bulk_commands import bulk_app
from ebox_cli.errors import ApiError, CliError
from ebox_cli.publication import load_documents, message_to_publish

DEFAULT_API = "http://127.0.0.1:8000"
LANGUAGES = ("fr", "nl", "de")

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(bulk_app, name="bulk")


def _api_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise typer.BadParameter(f"{value!r} is not an http(s) URL such as {DEFAULT_API}")
    return value


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(LANGUAGES)}")
    return value


ApiUrl = Annotated[str, typer.Option("--api", envvar="EBOX_API_URL", callback=_api_url,
                                     help="Base URL of the e-Box API.")]
ClientId = Annotated[str | None, typer.Option("--client-id", envvar="EBOX_CLIENT_ID", help="OAuth2 client id.")]
Secret = Annotated[str | None, typer.Option("--client-secret", envvar="EBOX_CLIENT_SECRET", show_default=False,
                                            help="OAuth2 client secret.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer instead.")]
Language = Annotated[str, typer.Option("--lang", callback=_language,
                                       help="Language shown (fr, nl, de); another one when missing.")]


@contextmanager
def _reported() -> Iterator[None]:
    """Any `CliError` becomes one red message on stderr and exit code 1: never a traceback."""
    try:
        yield
    except CliError as error:
        output.console(stderr=True).print(output.failure(error))
        raise typer.Exit(code=1) from None


def _client(api: str, client_id: str | None, client_secret: str | None) -> EboxClient:
    if not client_id or not client_secret:
        raise typer.BadParameter("missing; give both, or set EBOX_CLIENT_ID and EBOX_CLIENT_SECRET",
                                 param_hint="'--client-id' / '--client-secret'")
    return EboxClient(api, Credentials(client_id, client_secret))


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command()
def publish(
    to: Annotated[str, typer.Option("--to", help="Recipient's enterprise number.")],
    subject: Annotated[str, typer.Option("--subject", help="Subject of the message.")],
    files: Annotated[list[Path] | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False, readable=True, show_default=False,
        help="Documents to publish; the first is the main content.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="Body text; the main content when no file is given.")]
    = None,
    language: Annotated[str, typer.Option("--subject-lang", callback=_language,
                                          help="Language of the subject and body (fr, nl, de).")] = "fr",
    message_type: Annotated[str, typer.Option("--type", help="Message type id.")] = "demo-notice",
    application: Annotated[str, typer.Option("--app", help="Sender application id.")] = "demo-app",
    sender: Annotated[str, typer.Option("--sender", envvar="EBOX_SENDER_ORG",
                                        help="Sender's enterprise number.")] = "0406798006",
    idempotency_key: Annotated[str | None, typer.Option("--idempotency-key",
                                                        help="Sent as the Idempotency-Key header.")] = None,
    allow_replies: Annotated[bool, typer.Option("--allow-replies", help="The recipient may reply "
                                                "(isReplyAuthorized).")] = False,
    from_partition: Annotated[str | None, typer.Option("--from-partition", help="Publish in the name of this "
                                                       "partition of yours (sender.partition): replies land there.")]
    = None,
    action: Annotated[str | None, typer.Option("--action", help="For action: PAYMENT, SIGNATURE, RESPONSE, "
                                               "DOCUMENT or OTHER (needs --due).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="The action's due date, YYYY-MM-DD.")] = None,
    action_link: Annotated[str | None, typer.Option("--action-link", help="An https link where it is done.")]
    = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Publish a message (documents and/or a body) to an enterprise's e-Box."""
    if not files and not body:
        raise typer.BadParameter("give at least one document or a body", param_hint="'FILE...' / '--body'")
    if (action is None) != (due is None) or (action_link and not action):
        raise typer.BadParameter("--action and --due go together (--action-link with them)",
                                 param_hint="'--action' / '--due'")
    client = _client(api, client_id, client_secret)
    try:
        documents = load_documents(files or [])
    except OSError as error:
        raise typer.BadParameter(f"cannot read {error.filename}: {error.strerror}") from None
    message = message_to_publish(sender=sender, application=application, message_type=message_type, recipient=to,
                                 subject=subject, language=language, body=body, documents=documents)
    if allow_replies:
        message["isReplyAuthorized"] = True
    if from_partition:
        message["sender"]["partition"] = from_partition
    if action and due:
        message["action"] = {"kind": action.upper(), "dueDate": due, **({"link": action_link} if action_link else {})}
    with _reported():
        answer = client.publish(message, documents, idempotency_key)
    if as_json:
        _print_json(answer.raw)
    else:
        output.console().print(output.published(answer))


@app.command()
def inbox(
    page: Annotated[int, typer.Option("--page", min=1, help="Page number, from 1.")] = 1,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=100, help="Messages per page.")] = 25,
    partition: Annotated[str | None, typer.Option("--partition", help="Only this partition (e.g. ACCOUNTING).")]
    = None,
    unread: Annotated[bool, typer.Option("--unread", help="Only messages not read yet.")] = False,
    search: Annotated[str | None, typer.Option("--search", help="Text to find, whatever its case and accents.")]
    = None,
    search_language: Annotated[str | None, typer.Option("--search-lang", help="Search only this language's text.")]
    = None,
    for_action: Annotated[bool, typer.Option("--for-action", help="Only messages whose action is still to do, "
                                             "soonest due first.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only actions past their due date.")] = False,
    replies_to: Annotated[str | None, typer.Option("--replies-to", metavar="MESSAGE_ID",
                                                   help="Only the replies to this message.")] = None,
    language: Language = "fr",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """List the messages of your e-Box (the partitions you hold rights on), newest first."""
    if search_language is not None:
        _language(search_language)
    filters = {name: value for name, value in (("partition", partition), ("readStatus", "false" if unread else None),
                                               ("q", search), ("qlang", search_language),
                                               ("forAction", "true" if for_action or overdue else None),
                                               ("overdue", "true" if overdue else None),
                                               ("originalMessageId", replies_to)) if value is not None}
    client = _client(api, client_id, client_secret)
    with _reported():
        listing = client.messages(page, page_size, filters)
        if as_json:
            _print_json(listing.raw)
            return
        summary = client.summary()
    output.console().print(output.inbox(listing, summary, language, first_number=(page - 1) * page_size + 1))


@app.command()
def read(
    message_id: Annotated[str, typer.Argument(metavar="MESSAGE_ID", help="The message to read.", show_default=False)],
    save_dir: Annotated[Path, typer.Option("--save-dir", file_okay=False,
                                           help="Where its documents are saved.")] = Path(),
    language: Language = "fr",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Show a message and save its documents, checked against their SHA-256.

    None is saved unless all pass. Opening the main content marks the message read."""
    client = _client(api, client_id, client_secret)
    out = output.console()
    with _reported():
        message = client.message(message_id)
        if not as_json:
            out.print(output.message(message, language))
        text = client.body(message_id)
        if text and not as_json:
            out.print(output.body(text, language))
        saved = downloads.save(downloads.fetch_verified(client, message), save_dir)
    if as_json:
        _print_json({"message": message.raw, "body": text, "saved": [str(path) for path in saved]})
        return
    out.print(output.saved(saved))
    if not message.read:
        out.print("It is now marked as read.")


@app.command()
def mail(api: ApiUrl = DEFAULT_API, as_json: AsJson = False) -> None:
    """The e-mails the local stack sent, newest first (SES is emulated: they never leave this machine)."""
    with _reported():
        try:
            mails = EboxClient(api).mail()
        except ApiError as error:
            if error.status == 404:
                raise CliError(f"{api} has no /local/mail: only the local stack (`make run`) captures e-mails") \
                    from None
            raise
    if as_json:
        _print_json(mails)
    else:
        output.console().print(output.mails(mails))


@app.command()
def token(
    scope: Annotated[str | None, typer.Option("--scope", help="Space-separated scopes to ask for.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Print an access token, e.g. for curl -H "Authorization: Bearer $(ebox token)"."""
    client = _client(api, client_id, client_secret)
    with _reported():
        issued = client.token(scope)
    if as_json:
        _print_json(issued.raw)
    else:
        typer.echo(issued.access_token)


evidence_app = typer.Typer(help="Signed evidence of a message's delivery.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


@evidence_app.command("verify")
def verify_evidence(
    source: Annotated[str, typer.Argument(help="A message id (fetched from the API), or a JSON file saved "
                                               "from its /evidences answer.")],
    document: Annotated[list[Path] | None, typer.Option(
        "--document", exists=True, dir_okay=False, help="A document whose digest must be in the records.")] = None,
    jwks_file: Annotated[Path | None, typer.Option("--jwks", exists=True, dir_okay=False,
                                                   help="Trusted keys (default: the API's /evidence/keys).")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
) -> None:
    """Check every signature, the chain of records and the documents' digests; say plainly what holds."""
    from ebox_cli.evidence_check import verify_records

    path = Path(source)
    with _reported():
        if path.is_file():
            answer = _saved_json(path, "items")
        else:
            answer = _client(api, client_id, client_secret).evidence_answer(source)
        items = answer["items"]
        jwks = _saved_json(jwks_file, "keys") if jwks_file else EboxClient(api).evidence_keys()
    verdict = verify_records([i["jws"] if isinstance(i, dict) else str(i) for i in items], jwks, document or [],
                             head=answer.get("head"), lookup=None if jwks_file else EboxClient(api).evidence_key)
    out = output.console()
    out.print(output.evidence_table(verdict.rows))
    for problem in verdict.problems:
        out.print(f"[red]✗[/red] {escape(problem)}")
    if verdict.ok:
        out.print(f"[green]✓ all {len(items)} records are signed by a trusted key, chained in order and "
                  "unaltered[/green]")
        return
    raise typer.Exit(code=1)


def _saved_json(path: Path, key: str) -> dict[str, Any]:
    """A JSON object saved in a file, which must have `key` (a list); any other file is a usage error."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise typer.BadParameter(f"{path} is not a JSON object with a list {key!r}")
    return data


from ebox_cli.partition_commands import partitions_app  # noqa: E402 - it uses the options defined above

app.add_typer(partitions_app, name="partitions")

from ebox_cli.reply_commands import action_app, reply  # noqa: E402 - it uses the options defined above

app.command()(reply)
app.add_typer(action_app, name="action")

from ebox_cli.notification_commands import notifications_app  # noqa: E402 - the same

app.add_typer(notifications_app, name="notifications")

app.command("download")(bulk_download.download)
