"""`ebox publish`, `ebox inbox`, `ebox read`: a message from a sender to an e-Box, and the e-Box's side;
`ebox token` and `ebox mail`: an access token, and the e-mails the local stack sent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ebox_cli import downloads, options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.errors import ApiError, CliError
from ebox_cli.large_documents import beyond_the_cap, file_to_upload
from ebox_cli.options import (
    DEFAULT_API,
    ApiUrl,
    AsJson,
    ClientId,
    IdempotencyKey,
    Language,
    Secret,
    SubjectLanguage,
)
from ebox_cli.publication import load_documents, message_to_publish


def publish(
    to: Annotated[str, typer.Option("--to", help="Recipient: an enterprise number, or a citizen's SSIN (11 digits).")],
    subject: Annotated[str, typer.Option("--subject", help="Subject of the message.")],
    files: Annotated[list[Path] | None, typer.Argument(
        metavar="FILE", exists=True, dir_okay=False, readable=True, show_default=False,
        help="Documents to publish; the first is the main content.")] = None,
    body: Annotated[str | None, typer.Option("--body", help="Body text; the main content when no file is given.")]
    = None,
    language: SubjectLanguage = "fr",
    message_type: Annotated[str, typer.Option("--type", help="Message type id.")] = "demo-notice",
    application: Annotated[str, typer.Option("--app", help="Sender application id.")] = "demo-app",
    sender: Annotated[str, typer.Option("--sender", envvar="EBOX_SENDER_ORG",
                                        help="Sender's enterprise number.")] = "0406798006",
    idempotency_key: IdempotencyKey = None,
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
    """Publish a message (documents and/or a body) to an enterprise's e-Box or a citizen's My eBox. Documents
    beyond the API's one-request cap (4.4 MB in all) are uploaded first, straight to S3, streamed from disk."""
    if not files and not body:
        raise typer.BadParameter("give at least one document or a body", param_hint="'FILE...' / '--body'")
    if (action is None) != (due is None) or (action_link and not action):
        raise typer.BadParameter("--action and --due go together (--action-link with them)",
                                 param_hint="'--action' / '--due'")
    client = options.client(api, client_id, client_secret)
    large = bool(files) and beyond_the_cap(files or [])
    try:  # beyond the one-request cap the documents are uploaded first, streamed from disk
        uploads = [file_to_upload(p) for p in files or []] if large else []
        documents = [] if large else load_documents(files or [])
    except OSError as error:
        raise typer.BadParameter(f"cannot read {error.filename}: {error.strerror}") from None
    message = message_to_publish(sender=sender, application=application, message_type=message_type, recipient=to,
                                 subject=subject, language=language, body=body, documents=documents,
                                 uploads=uploads)
    if allow_replies:
        message["isReplyAuthorized"] = True
    if from_partition:
        message["sender"]["partition"] = from_partition
    if action and due:
        message["action"] = {"kind": action.upper(), "dueDate": due, **({"link": action_link} if action_link else {})}
    with options.reported():
        for attachment, upload_id in zip(message["attachments"], client.upload(uploads) if uploads else [],
                                         strict=False):
            attachment["uploadId"] = upload_id
        answer = client.publish(message, documents, idempotency_key)
    if as_json:
        options.print_json(answer.raw)
    else:
        output.console().print(output.published(answer))


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
        options.language(search_language)
    filters = {name: value for name, value in (("partition", partition), ("readStatus", "false" if unread else None),
                                               ("q", search), ("qlang", search_language),
                                               ("forAction", "true" if for_action or overdue else None),
                                               ("overdue", "true" if overdue else None),
                                               ("originalMessageId", replies_to)) if value is not None}
    client = options.client(api, client_id, client_secret)
    with options.reported():
        listing = client.messages(page, page_size, filters)
        if as_json:
            options.print_json(listing.raw)
            return
        summary = client.summary()
    output.console().print(output.inbox(listing, summary, language, first_number=(page - 1) * page_size + 1))


def read(
    message_id: Annotated[str, typer.Argument(metavar="MESSAGE_ID", help="The message to read.", show_default=False)],
    save_dir: Annotated[Path, typer.Option("--save-dir", file_okay=False,
                                           help="Where its documents are saved.")] = Path(),
    language: Language = "fr",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Show a message and save its documents, checked against their SHA-256.

    None is saved unless all pass. Opening the main content marks the message read."""
    client = options.client(api, client_id, client_secret)
    out = output.console()
    with options.reported():
        message = client.message(message_id)
        if not as_json:
            out.print(output.message(message, language))
        text = client.body(message_id)
        if text and not as_json:
            out.print(output.body(text, language))
        saved = downloads.save(downloads.fetch_verified(client, message), save_dir)
    if as_json:
        options.print_json({"message": message.raw, "body": text, "saved": [str(path) for path in saved]})
        return
    out.print(output.saved(saved))
    if not message.read:
        out.print("It is now marked as read.")


def mail(api: ApiUrl = DEFAULT_API, as_json: AsJson = False) -> None:
    """The e-mails the local stack sent, newest first (SES is emulated: they never leave this machine)."""
    with options.reported():
        try:
            mails = EboxClient(api).mail()
        except ApiError as error:
            if error.status == 404:
                raise CliError(f"{api} has no /local/mail: only the local stack (`make run`) captures e-mails") \
                    from None
            raise
    if as_json:
        options.print_json(mails)
    else:
        output.console().print(output.mails(mails))


def token(
    scope: Annotated[str | None, typer.Option("--scope", help="Space-separated scopes to ask for.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Print an access token, e.g. for curl -H "Authorization: Bearer $(ebox token)"."""
    client = options.client(api, client_id, client_secret)
    with options.reported():
        issued = client.token(scope)
    if as_json:
        options.print_json(issued.raw)
    else:
        typer.echo(issued.access_token)
