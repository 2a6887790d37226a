"""`ebox callbacks …`: as a sender, register the endpoint an application's events are POSTed to (signed
CloudEvents, docs/callbacks.md), see the deliveries (the failed ones with their last error) and ask for a
redelivery."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

callbacks_app = typer.Typer(help=__doc__, no_args_is_help=True)
CALLBACKS = "/messageRegistry/v3/callbacks"
EVENTS = ("message.read", "qualified.accepted", "qualified.refused", "qualified.expired", "action.done",
          "reply.received", "bulk.completed")
Application = Annotated[str, typer.Argument(metavar="APPLICATION_ID", help="One of your sender applications.")]


def _table(items: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column)
    for item in items:
        table.add_row(*(", ".join(v) if isinstance(v := item.get(c, ""), list) else str(v) for c in columns))
    output.console().print(table if items else "none")


def _show(answer: Any, columns: list[str], as_json: bool) -> None:
    if as_json:
        options.print_json(answer)
    else:
        _table(answer.get("items", [answer]), columns)


ENDPOINT_COLUMNS = ["applicationId", "url", "events", "status", "lastError"]
DELIVERY_COLUMNS = ["deliveryId", "applicationId", "status", "attempts", "lastAttemptAt", "lastError"]


@callbacks_app.command("set")
def set_endpoint(
    application: Application,
    url: Annotated[str, typer.Option("--url", help="Your HTTPS endpoint.")],
    events: Annotated[list[str], typer.Option("--event", help=f"Repeat: {', '.join(EVENTS)}.")],
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Register (or replace) the application's endpoint; it is challenged at once."""
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise typer.BadParameter(f"unknown events {unknown}; known: {', '.join(EVENTS)}", param_hint="'--event'")
    with options.reported():
        answer = options.client(api, client_id, client_secret).call(
            "PUT", f"{CALLBACKS}/{application}", {"url": url, "events": events})
    _show(answer, ENDPOINT_COLUMNS, as_json)


@callbacks_app.command("list")
def list_endpoints(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
                   as_json: AsJson = False) -> None:
    """Your endpoints and whether they are verified."""
    with options.reported():
        answer = options.client(api, client_id, client_secret).call("GET", CALLBACKS)
    _show(answer, ENDPOINT_COLUMNS, as_json)


@callbacks_app.command("verify")
def verify(application: Application, api: ApiUrl = DEFAULT_API, client_id: ClientId = None,
           client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Challenge the endpoint again (after fixing it)."""
    with options.reported():
        answer = options.client(api, client_id, client_secret).call("POST", f"{CALLBACKS}/{application}/verify")
    _show(answer, ENDPOINT_COLUMNS, as_json)


@callbacks_app.command("deliveries")
def deliveries(
    failed: Annotated[bool, typer.Option("--failed", help="Only the dead-lettered ones.")] = False,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Deliveries of the last 30 days."""
    with options.reported():
        answer = options.client(api, client_id, client_secret).call(
            "GET", f"{CALLBACKS}/deliveries", params={"status": "FAILED"} if failed else None)
    _show(answer, DELIVERY_COLUMNS, as_json)


@callbacks_app.command("redeliver")
def redeliver(delivery_id: Annotated[str, typer.Argument(metavar="DELIVERY_ID")], api: ApiUrl = DEFAULT_API,
              client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False) -> None:
    """Try a dead-lettered delivery again (a new 24 hours of retries)."""
    with options.reported():
        answer = options.client(api, client_id, client_secret).call(
            "POST", f"{CALLBACKS}/deliveries/{delivery_id}/redeliver")
    _show(answer, DELIVERY_COLUMNS, as_json)


@callbacks_app.command("keys")
def keys(api: ApiUrl = DEFAULT_API) -> None:
    """The JWKS that verifies the callbacks' signatures."""
    with options.reported():
        options.print_json(EboxClient(api).call("GET", "/.well-known/ebox-callback-keys", authenticated=False))
