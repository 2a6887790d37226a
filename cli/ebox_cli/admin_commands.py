"""`ebox admin …`: become a sender (read and accept the terms of use, send a request); as the platform
operator (scope ``scope:ebox:platform:operator``; demo: `ops-admin` / `demo-secret`): review requests,
approve or refuse them, suspend or reinstate a sender, import a registry file (JSON or CSV), see and rotate
the key that signs callbacks, rebuild the statistics' message counters, give older messages a new index's
keys, give clients made before usage plans an API key of their own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret
from ebox_cli.registry_csv import registry_from_csv

admin_app = typer.Typer(help=__doc__, no_args_is_help=True)
ADMIN = "/admin/v1"
RequestId = Annotated[str, typer.Argument(metavar="REQUEST_ID", help="The request's id (`ebox admin list`).")]
Organization = Annotated[str, typer.Argument(metavar="ENTERPRISE_NUMBER", help="The sender organisation.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept with the decision, shown to the sender).")]
File = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _show(item: dict[str, Any], as_json: bool) -> None:
    if as_json:
        options.print_json(item)
        return
    table = Table(box=box.SIMPLE_HEAD, show_header=False, show_edge=False, pad_edge=False)
    for key in ("requestId", "organizationId", "status", "submittedAt", "decidedAt", "decidedBy", "reason",
                "clientId", "clientSecret", "externalIssuer", "bulkDropPrefix", "suspended", "since", "usagePlan",
                "usageKeysDisabled", "usageKeysEnabled"):
        if key in item:
            table.add_row(key, str(item[key]))
    output.console().print(table)
    if "clientSecret" in item:
        output.console().print("[bold]The client secret is shown only now: hand it to the sender securely.[/]")


def _operator(api: str, client_id: str | None, client_secret: str | None) -> EboxClient:
    return options.client(api, client_id, client_secret)


def _post(path: str, body: dict[str, str] | None, *, api: str, client_id: str | None, client_secret: str | None,
          as_json: bool) -> None:
    """An operator's decision (POST ``path``), its answer shown."""
    with options.reported():
        answer = _operator(api, client_id, client_secret).call("POST", path, body)
    _show(answer, as_json)


@admin_app.command("terms")
def terms(api: ApiUrl = DEFAULT_API, as_json: AsJson = False) -> None:
    """The current terms of use a sender accepts."""
    with options.reported():
        answer = EboxClient(api).call("GET", f"{ADMIN}/terms", authenticated=False)
    if as_json:
        options.print_json(answer)
    else:
        output.console().print(f"[bold]Terms of use, version {answer['version']}[/] (sha256 {answer['sha256']})\n")
        output.console().print(answer["text"])


@admin_app.command("request")
def request(
    file: File,
    accept_terms: Annotated[bool, typer.Option("--accept-terms", help="Accept the current terms of use.")] = False,
    api: ApiUrl = DEFAULT_API, as_json: AsJson = False,
) -> None:
    """Ask to become a sender: FILE is the request (docs/onboarding.md); needs --accept-terms."""
    body = json.loads(file.read_text(encoding="utf-8"))
    client = EboxClient(api)
    with options.reported():
        if accept_terms:
            current = client.call("GET", f"{ADMIN}/terms", authenticated=False)
            body["termsOfUse"] = {"version": current["version"], "sha256": current["sha256"], "accepted": True}
        answer = client.call("POST", f"{ADMIN}/sender-requests", body, authenticated=False)
    _show(answer, as_json)


@admin_app.command("list")
def list_requests(
    status: Annotated[str | None, typer.Option("--status", help="PENDING, APPROVED or REFUSED.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Sender requests, oldest first. Operator only."""
    with options.reported():
        answer = _operator(api, client_id, client_secret).call(
            "GET", f"{ADMIN}/sender-requests", params={"status": status} if status else None)
    if as_json:
        options.print_json(answer)
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("requestId", "organizationId", "status", "submittedAt", "applications"):
        table.add_column(column)
    for item in answer["items"]:
        table.add_row(item["requestId"], item["organizationId"], item["status"], item["submittedAt"],
                      ", ".join(a["applicationId"] for a in item.get("applications", [])))
    output.console().print(table if answer["items"] else "none")


@admin_app.command("show")
def show(request_id: RequestId, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
         client_secret: Secret = None) -> None:
    """One request, in full (JSON). Operator only."""
    with options.reported():
        options.print_json(_operator(api, client_id, client_secret).call(
            "GET", f"{ADMIN}/sender-requests/{request_id}"))


ExternalClientId = Annotated[str | None, typer.Option(
    "--external-client-id", help="The client id the senders' external IdP (FAS, Cognito, Keycloak) issued to this "
    "sender: its tokens are accepted, no secret of ours is made.")]


@admin_app.command("approve")
def approve(request_id: RequestId, external_client_id: ExternalClientId = None, api: ApiUrl = DEFAULT_API,
            client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Approve: creates the registry entries and the sender's OAuth client (secret shown once), or accepts the
    external IdP's client given with --external-client-id. Operator only."""
    body = {"externalClientId": external_client_id} if external_client_id else None
    _post(f"{ADMIN}/sender-requests/{request_id}/approve", body, api=api, client_id=client_id,
          client_secret=client_secret, as_json=as_json)


@admin_app.command("refuse")
def refuse(request_id: RequestId, reason: Reason, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
           client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Refuse, with a reason. Operator only."""
    _post(f"{ADMIN}/sender-requests/{request_id}/refuse", {"reason": reason}, api=api, client_id=client_id,
          client_secret=client_secret, as_json=as_json)


@admin_app.command("suspend")
def suspend(organization: Organization, reason: Reason, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
            client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Suspend a sender: its publications fail at once (INVALID_SENDER); what it sent stays. Operator only."""
    _post(f"{ADMIN}/senders/{organization}/suspend", {"reason": reason}, api=api, client_id=client_id,
          client_secret=client_secret, as_json=as_json)


@admin_app.command("reinstate")
def reinstate(organization: Organization, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
              client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Lift a suspension. Operator only."""
    _post(f"{ADMIN}/senders/{organization}/reinstate", None, api=api, client_id=client_id,
          client_secret=client_secret, as_json=as_json)


@admin_app.command("import")
def import_registry(file: File, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
                    client_secret: Secret = None) -> None:
    """Import a registry file: JSON (the demo data's shape) or CSV (one row per trio). Operator only."""
    text = file.read_text(encoding="utf-8")
    try:
        data = registry_from_csv(text) if file.suffix.lower() == ".csv" else json.loads(text)
    except ValueError as error:
        raise typer.BadParameter(f"{file}: {error}") from None
    with options.reported():
        answer = _operator(api, client_id, client_secret).call("POST", f"{ADMIN}/registry/import", data)
    options.print_json(answer)


def _show_keys(answer: dict[str, Any], as_json: bool) -> None:
    if as_json:
        options.print_json(answer)
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("kid", "status", "signing", "createdAt", "retiresAt", "custody"):
        table.add_column(column)
    for key in answer["items"]:
        table.add_row(key["kid"], key["status"], "yes" if key["signing"] else "", key.get("createdAt", ""),
                      key.get("retiresAt", ""), key.get("custody", ""))
    output.console().print(table)
    output.console().print(f"published at /.well-known/ebox-callback-keys: {', '.join(answer['publishedKids'])}")


@admin_app.command("callback-keys")
def callback_keys(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
                  as_json: AsJson = False) -> None:
    """The keys that sign callbacks: ACTIVE (signs), RETIRING (still published until retiresAt), RETIRED."""
    with options.reported():
        answer = _operator(api, client_id, client_secret).call("GET", f"{ADMIN}/callback-keys")
    _show_keys(answer, as_json)


@admin_app.command("rotate-callback-key")
def rotate_callback_key(
    grace_days: Annotated[int, typer.Option("--grace-days", min=0, max=90, help=(
        "How long the replaced key stays published (senders' cached key sets keep verifying); 0 after a leak."))] = 7,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """A new key signs callbacks from now on; the one it replaces stays published --grace-days more. Operator only."""
    with options.reported():
        answer = _operator(api, client_id, client_secret).call("POST", f"{ADMIN}/callback-keys/rotate",
                                                               {"graceDays": grace_days})
    _show_keys(answer, as_json)


@admin_app.command("stats-backfill")
def stats_backfill(
    restart: Annotated[bool, typer.Option("--restart", help="A new run (wipe, then replay) even if one was left "
                                          "unfinished or is done.")] = False,
    pages: Annotated[int, typer.Option("--pages", min=1, max=20, help="Pages per call (100 items each).")] = 3,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Rebuild the statistics' message counters from the messages table (docs/statistics.md): calls until done;
    interrupted, it goes on where it stopped when run again. Operator only."""
    client = _operator(api, client_id, client_secret)
    body: dict[str, Any] = {"restart": restart, "pages": pages}
    with options.reported():
        while True:
            progress = client.call("POST", "/admin/v1/statistics/backfill", body)
            if not as_json:
                output.console().print(f"{progress['phase']}: {progress['removed']} items removed, "
                                       f"{progress['messages']} messages replayed ({progress['pages']} pages)")
            if progress["done"]:
                break
            body = {"restart": False, "pages": pages}
    if as_json:
        options.print_json(progress)


@admin_app.command("index-backfill")
def index_backfill(
    items: Annotated[int, typer.Option("--items", min=1, max=5000, help="Items read per call.")] = 1000,
    resume: Annotated[str | None, typer.Option("--resume", help="Go on from a step an interrupted run printed.")]
    = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Give the messages written before an index of the messages table existed its keys (docs/operations.md,
    "Adding indexes to a deployed table"): calls until the table is read to its end. Run it again to check:
    it then updates nothing. Operator only."""
    updated = 0
    with options.reported():
        for step in _resumable(_operator(api, client_id, client_secret), f"{ADMIN}/messages/index-backfill",
                               items, resume):
            updated += step["updated"]
            if not as_json:
                output.console().print(f"{updated} messages updated" + _resume_hint(step))
    if as_json:
        options.print_json({"updated": updated, "done": True})


@admin_app.command("issue-usage-keys")
def issue_usage_keys(
    items: Annotated[int, typer.Option("--items", min=1, max=200, help="Registry items read per call.")] = 50,
    resume: Annotated[str | None, typer.Option("--resume", help="Go on from a step an interrupted run printed.")]
    = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Give each client made before usage plans (decision 0024) an API key of its own in the clients' usage plan
    (docs/operations.md): calls until the registry is read to its end. Run it again to check: it then issues
    nothing, or only the keys that failed. Operator only."""
    issued = failed = 0
    with options.reported():
        for step in _resumable(_operator(api, client_id, client_secret), f"{ADMIN}/usage-keys/issue", items, resume):
            issued, failed = issued + step["issued"], failed + step["failed"]
            if not as_json:
                output.console().print(f"{issued} keys issued, {failed} failed" + _resume_hint(step))
    if as_json:
        options.print_json({"issued": issued, "failed": failed, "done": True})


def _resumable(client: EboxClient, path: str, items: int, resume: str | None) -> Iterator[dict[str, Any]]:
    """Each step of a bounded, resumable operator run (``items`` read per call), until the answer says done."""
    while True:
        step: dict[str, Any] = client.call("POST", path, {"items": items, **({"resume": resume} if resume else {})})
        yield step
        if step["done"]:
            return
        resume = step.get("resume")


def _resume_hint(step: dict[str, Any]) -> str:
    return "" if step["done"] else f" (resume {step.get('resume')})"
