"""`ebox reply` answers a message that allows replies; `ebox action done` marks a message's action done."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ebox_cli import options, output
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, IdempotencyKey, Secret, SubjectLanguage
from ebox_cli.publication import load_documents, message_to_publish

MessageId = Annotated[str, typer.Argument(metavar="MESSAGE_ID", help="The message.", show_default=False)]
REPLY_FIELDS = ("subject", "bodyContent", "isBodyMainContent", "attachments")


def reply(
    message_id: Annotated[str, typer.Argument(metavar="MESSAGE_ID", help="The message you answer.",
                                              show_default=False)],
    subject: Annotated[str, typer.Option("--subject", help="Subject of the reply.")],
    files: Annotated[list[Path] | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False, readable=True, show_default=False,
        help="Documents to join; the first is the main content.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="Text; the main content when no file is given.")] = None,
    language: SubjectLanguage = "fr",
    idempotency_key: IdempotencyKey = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Reply to a message that allows it: the reply goes to its sender's e-Box."""
    if not files and not body:
        raise typer.BadParameter("give at least one document or a body", param_hint="'FILE...' / '--body'")
    client = options.client(api, client_id, client_secret)
    try:
        documents = load_documents(files or [])
    except OSError as error:
        raise typer.BadParameter(f"cannot read {error.filename}: {error.strerror}") from None
    full = message_to_publish(sender="", application="", message_type="", recipient="", subject=subject,
                              language=language, body=body, documents=documents)
    with options.reported():
        answer = client.reply(message_id, {k: full[k] for k in REPLY_FIELDS if k in full}, documents,
                              idempotency_key)
    if as_json:
        options.print_json(answer.raw)
        return
    output.console().print(Text.assemble("replied: ", (answer.message_id, "bold"),
                                         f" (to {message_id}, in its sender's e-Box)"))


action_app = typer.Typer(help="Messages for action: what a sender asks you to do, by a date.",
                         no_args_is_help=True)


@action_app.command("done")
def action_done(message_id: MessageId, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
                client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Mark a message's action done (its sender sees it); marking it again changes nothing."""
    with options.reported():
        action = options.client(api, client_id, client_secret).mark_action_done(message_id)
    if as_json:
        options.print_json(action)
        return
    output.console().print(f"{message_id}: {output.action_summary(action)}")
