"""`ebox bulk`: make a batch archive from a CSV and a folder of PDFs, drop it, follow it to its report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import requests
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.batch_builder import BatchIdentity, build_batch, read_rows
from ebox_cli.errors import ApiError, ApiUnreachable, UploadFailed
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

bulk_app = typer.Typer(help="Bulk imports: a batch of messages dropped at once, reported line by line.",
                       no_args_is_help=True)
FINISHED = ("COMPLETED", "REFUSED", "CANCELLED")
POLL_SECONDS = 0.5


@bulk_app.command("make")
def make(
    csv_path: Annotated[Path, typer.Argument(metavar="CSV", exists=True, dir_okay=False, readable=True,
                                             help="One row per message: enterpriseNumber, document[, subject_fr, "
                                                  "subject_nl, subject_de, registered].")],
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", exists=True, file_okay=False,
                                           help="The folder holding the documents the CSV names.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The batch archive to write; its name is the batch's.")]
    = Path("batch.zip"),
    subject: Annotated[str, typer.Option("--subject", help="Subject of rows without their own.")] = "Document",
    language: Annotated[str, typer.Option("--subject-lang", help="Language of --subject (fr, nl, de).")] = "fr",
    message_type: Annotated[str, typer.Option("--type", help="Message type id.")] = "demo-notice",
    application: Annotated[str, typer.Option("--app", help="Sender application id.")] = "demo-app",
    sender: Annotated[str, typer.Option("--sender", envvar="EBOX_SENDER_ORG",
                                        help="Sender's enterprise number.")] = "0406798006",
    send_at: Annotated[str | None, typer.Option("--send-at", help="Publish at this UTC time "
                                                "(2027-01-31T08:00:00Z); cancellable until then.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate every line, publish none.")] = False,
) -> None:
    """Build a batch archive (manifest.jsonl + documents) from a CSV and a folder of PDFs."""
    identity = BatchIdentity(sender, application, message_type, {language: subject})
    with options.reported():
        built = build_batch(read_rows(csv_path), folder, out, identity, send_at=send_at, dry_run=dry_run)
    output.console().print(f"[green]✓[/] {escape(str(built.path))}: {built.lines} message(s), "
                           f"{built.documents} document(s)" + (" — dry run" if dry_run else "")
                           + (f" — to be sent at {escape(send_at)}" if send_at else ""))


@bulk_app.command("upload")
def upload(
    archive: Annotated[Path, typer.Argument(metavar="BATCH_ZIP", exists=True, dir_okay=False, readable=True,
                                            help="The batch archive; its file name (without .zip) is the batch id.")],
    wait: Annotated[bool, typer.Option("--wait", help="Follow the import with a progress bar until its report.")]
    = False,
    results: Annotated[Path | None, typer.Option("--results", dir_okay=False,
                                                 help="With --wait: save the per-line report here.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Drop a batch archive under your prefix of the import bucket (through a pre-signed URL)."""
    client = options.client(api, client_id, client_secret)
    batch_id = archive.name.removesuffix(".zip")
    with options.reported():
        target = client._send("POST", f"/bulk/v1/batches/{batch_id}/upload").json()
        previous = _current(client, batch_id).get("run")
        etag = _put(target["uploadUrl"], archive)
        if not wait:
            output.console().print(f"[green]✓[/] dropped as {escape(target['key'])}; follow it with "
                                   f"`ebox bulk status {escape(batch_id)}`")
            return
        batch = _follow(client, batch_id, etag, previous)
        if results is not None and batch.get("status") == "COMPLETED":
            _download(client, batch_id, results)
    if as_json:
        options.print_json(batch)
    else:
        output.console().print(summary_table(batch))
    if batch.get("status") == "REFUSED":
        raise typer.Exit(code=1)


@bulk_app.command("status")
def status(
    batch_id: Annotated[str, typer.Argument(metavar="BATCH_ID", help="The batch (its archive's name).")],
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Show a batch's progress, or its summary once done."""
    client = options.client(api, client_id, client_secret)
    with options.reported():
        batch = client._send("GET", f"/bulk/v1/batches/{batch_id}").json()
    if as_json:
        options.print_json(batch)
    else:
        output.console().print(summary_table(batch))


@bulk_app.command("cancel")
def cancel(
    batch_id: Annotated[str, typer.Argument(metavar="BATCH_ID", help="The scheduled batch to cancel.")],
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
) -> None:
    """Cancel a batch scheduled for later (before its sendAt)."""
    client = options.client(api, client_id, client_secret)
    with options.reported():
        batch = client._send("DELETE", f"/bulk/v1/batches/{batch_id}").json()
    output.console().print(summary_table(batch))


def _put(url: str, archive: Path) -> str:
    try:
        with archive.open("rb") as body:
            answer = requests.put(url, data=body, timeout=600)
    except requests.RequestException as error:
        raise ApiUnreachable(url.split("?", 1)[0], type(error).__name__) from None
    if answer.status_code >= 300:
        raise UploadFailed(f"the upload was refused (HTTP {answer.status_code}): {answer.text[:200]}")
    return answer.headers.get("ETag", "").strip('"')


def _current(client: EboxClient, batch_id: str) -> dict[str, Any]:
    """The batch's latest run as the API knows it; {} before its first drop."""
    try:
        return client._send("GET", f"/bulk/v1/batches/{batch_id}").json()  # type: ignore[no-any-return]
    except ApiError as error:
        if error.status != 404:
            raise
        return {}


def _follow(client: EboxClient, batch_id: str, etag: str, previous_run: str | None) -> dict[str, Any]:
    """Polls the batch until this upload's run is finished (or scheduled), with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=output.console(stderr=True), transient=True) as progress:
        task = progress.add_task("waiting for the import to start", total=None)
        while True:
            batch = _current(client, batch_id)
            if batch.get("etag") == etag and batch.get("run") != previous_run:
                progress.update(task, total=batch.get("totalLines"), completed=batch.get("processed", 0),
                                description=f"accepted {batch.get('accepted', 0)} · rejected "
                                            f"{batch.get('rejected', 0)} · {batch.get('status', '').lower()}")
                if batch.get("status") in (*FINISHED, "SCHEDULED"):
                    return batch
            time.sleep(POLL_SECONDS)


def _download(client: EboxClient, batch_id: str, target: Path) -> None:
    link = client._send("GET", f"/bulk/v1/batches/{batch_id}/results").json()["resultsUrl"]
    try:
        answer = requests.get(link, timeout=600)
    except requests.RequestException as error:
        raise ApiUnreachable(link.split("?", 1)[0], type(error).__name__) from None
    if answer.status_code != 200:
        raise UploadFailed(f"the report could not be downloaded (HTTP {answer.status_code})")
    target.write_bytes(answer.content)


def summary_table(batch: dict[str, Any]) -> Table:
    table = Table(title=f"batch {escape(str(batch.get('batchId', '?')))}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    rows = [("status", batch.get("status")), ("dry run", "yes" if batch.get("dryRun") else None),
            ("send at", batch.get("sendAt")), ("lines", batch.get("totalLines")),
            ("accepted", batch.get("accepted")), ("  of which already published", batch.get("alreadyPublished")),
            ("rejected", batch.get("rejected"))]
    rows += [(f"  {code}", count) for code, count in sorted((batch.get("rejectedByCode") or {}).items())]
    rows += [("refused", f"{batch.get('code')}: {batch.get('message')}" if batch.get("code") else None),
             ("duration", f"{batch['durationSeconds']:.1f} s" if batch.get("durationSeconds") is not None else None),
             ("report", batch.get("results"))]
    for name, value in rows:
        if value is not None and value != "":
            table.add_row(name, escape(str(value)))
    return table
