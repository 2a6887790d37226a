"""`ebox download`: ask for a package of messages (ids, or the inbox's filters), follow the job with a
progress bar, fetch the ZIP, and check every entry against the manifest's SHA-256 before keeping it."""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from pathlib import Path
from typing import Annotated, Any

import requests
import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.errors import ApiUnreachable, CliError, PackageRefused
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

DOWNLOADS = "/messageRegistry/v3/ebox/downloads"
POLL_SECONDS = 0.5
CHUNK_BYTES = 1024 * 1024


def request_body(message_ids: list[str], filters: dict[str, str | None]) -> dict[str, Any]:
    if message_ids:
        return {"messageIds": message_ids}
    return {"filter": {name: value for name, value in filters.items() if value is not None}}


def follow(client: EboxClient, job: dict[str, Any], *, show: bool, timeout: float = 3600) -> dict[str, Any]:
    """Polls the job until READY or FAILED, with a progress bar of the documents packaged; gives up after
    ``timeout`` seconds (the job goes on: its id is in the message)."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    path = f"{DOWNLOADS}/{job['downloadId']}"
    with Progress(*columns, console=output.console(stderr=True), transient=True, disable=not show) as progress:
        task = progress.add_task("queued", total=job.get("totalBytes") or None)
        deadline = time.monotonic() + timeout
        while job["status"] not in ("READY", "FAILED"):
            if time.monotonic() > deadline:
                raise PackageRefused(f"download {job['downloadId']} is still {job['status']} after {timeout:g} s; "
                                     f"ask again later: GET {path}")
            time.sleep(POLL_SECONDS)
            job = client._send("GET", path).json()
            progress.update(task, completed=job.get("bytesDone", 0),
                            description=f"packaging {job.get('messagesDone', 0)}/{job.get('totalMessages', 0)} "
                                        "messages")
    if job["status"] == "FAILED":
        raise PackageRefused(f"{job.get('code', 'FAILED')}: the package could not be built: {job.get('message', '')}")
    return job


def fetch(job: dict[str, Any], target: Path, *, show: bool) -> Path:
    """Streams the package beside ``target`` (the pre-signed URL needs no token: none is sent), checks its
    SHA-256 against the job's, and answers where it lies (``target`` + ".part")."""
    digest, partial = hashlib.sha256(), target.with_name(target.name + ".part")
    columns = (TextColumn("downloading"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    try:
        with requests.get(job["downloadUrl"], stream=True, timeout=60) as answer, partial.open("wb") as out, \
                Progress(*columns, console=output.console(stderr=True), transient=True, disable=not show) as bar:
            if answer.status_code != 200:
                raise PackageRefused(f"the package could not be downloaded (HTTP {answer.status_code})")
            task = bar.add_task("", total=job.get("packageSize"))
            for chunk in answer.iter_content(CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
                bar.advance(task, len(chunk))
    except requests.RequestException as error:
        partial.unlink(missing_ok=True)
        raise ApiUnreachable(job["downloadUrl"].split("?", 1)[0], type(error).__name__) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if digest.hexdigest() != job.get("packageSha256"):
        partial.unlink(missing_ok=True)
        raise PackageRefused(f"DIGEST_DO_NOT_MATCH: the package's SHA-256 is {digest.hexdigest()}, the API says "
                             f"{job.get('packageSha256')}. Nothing was kept.")
    return partial


def verify(target: Path) -> dict[str, Any]:
    """Every entry has the size and SHA-256 the manifest lists, and the manifest lists every entry."""
    try:
        with zipfile.ZipFile(target) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            listed = {entry["path"]: entry for entry in manifest["entries"]}
            unlisted = set(archive.namelist()) - set(listed) - {"manifest.json"}
            if unlisted:
                raise PackageRefused(f"the package holds entries its manifest does not list: {sorted(unlisted)}")
            for path, entry in listed.items():
                digest, size = hashlib.sha256(), 0
                with archive.open(path) as member:
                    while chunk := member.read(CHUNK_BYTES):
                        digest.update(chunk)
                        size += len(chunk)
                if (size, digest.hexdigest()) != (entry["size"], entry["sha256"]):
                    raise PackageRefused(f"DIGEST_DO_NOT_MATCH: {path} is not what the manifest lists "
                                         f"(SHA-256 {digest.hexdigest()}, manifest {entry['sha256']}). "
                                         "Nothing was kept.")
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise PackageRefused(f"the package is not a readable e-Box package: {error}") from None
    return dict(manifest)


def summary(target: Path, job: dict[str, Any], manifest: dict[str, Any]) -> Table:
    table = Table(title=f"[green]✓[/] {escape(str(target))}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    messages = manifest.get("messages", [])
    withheld = sum(1 for m in messages if m.get("contentWithheld"))
    rows = [("messages", f"{len(messages)}" + (f" ({withheld} qualified, not accepted: metadata only)"
                                                if withheld else "")),
            ("documents", str(sum(m.get("documents", 0) for m in messages))),
            ("evidence records", str(sum(m.get("evidences", 0) for m in messages))),
            ("size", f"{job.get('packageSize', 0):,} bytes"),
            ("verified", f"{len(manifest.get('entries', []))} entries match the manifest's SHA-256"),
            ("download id", str(job.get("downloadId")))]
    for name, value in rows:
        table.add_row(name, escape(value))
    return table


def download(
    message_ids: Annotated[list[str] | None, typer.Argument(metavar="MESSAGE_ID", show_default=False,
                                                            help="Messages to package; none: use the filters.")]
    = None,
    out: Annotated[Path, typer.Option("--out", "-o", dir_okay=False, help="Where the ZIP is saved.")]
    = Path("package.zip"),
    unread: Annotated[bool, typer.Option("--unread", help="Only messages not read yet.")] = False,
    partition: Annotated[str | None, typer.Option("--partition", help="Only this partition.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Received on or after (2026-01-31 or a date-time).")]
    = None,
    until: Annotated[str | None, typer.Option("--until", help="Received before (a date or a date-time).")] = None,
    search: Annotated[str | None, typer.Option("--search", help="Text to find, whatever its case and accents.")]
    = None,
    message_type: Annotated[str | None, typer.Option("--type", help="Only this message type.")] = None,
    for_action: Annotated[bool, typer.Option("--for-action", help="Only messages whose action is still to do.")]
    = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only actions past their due date.")] = False,
    timeout: Annotated[int, typer.Option("--timeout", min=1, help="Stop following the job after this many "
                                                                  "seconds.")] = 3600,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Download messages as one ZIP (documents, metadata, evidence, manifest), verified entry by entry.

    Without MESSAGE_IDs the filters choose (none: every message you may see, up to the API's bound)."""
    filters = {"readStatus": "false" if unread else None, "partition": partition, "receivedAfter": since,
               "receivedBefore": until, "q": search, "messageTypeId": message_type,
               "forAction": "true" if for_action or overdue else None, "overdue": "true" if overdue else None}
    if message_ids and any(value is not None for value in filters.values()):
        raise typer.BadParameter("give message ids or filters, not both", param_hint="MESSAGE_ID")
    client = options.client(api, client_id, client_secret)
    with options.reported():
        job = client._send("POST", DOWNLOADS, json=request_body(message_ids or [], filters)).json()
        job = follow(client, job, show=not as_json, timeout=timeout)
        partial = fetch(job, out, show=not as_json)
        try:
            manifest = verify(partial)
        except CliError:
            partial.unlink(missing_ok=True)  # nothing unverified is kept
            raise
        partial.replace(out)
    if as_json:
        typer.echo(json.dumps({"package": str(out), "job": job, "messages": manifest.get("messages", [])}, indent=2,
                              ensure_ascii=False))
    else:
        output.console().print(summary(out, job, manifest))
