"""`ebox partitions …`: see your partitions; as an administrator, create them, grant them to people and
order the rules that route new messages into them."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from ebox_cli import options, output
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

partitions_app = typer.Typer(help=__doc__, no_args_is_help=True)
Partitions = Annotated[list[str] | None, typer.Option("--partition", help="A partition (repeat for several).")]


def _show(items: list[dict[str, Any]], columns: list[str], as_json: bool) -> None:
    if as_json:
        options.print_json({"items": items, "totalItems": len(items)})
        return
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column)
    for item in items:
        table.add_row(*(", ".join(map(str, v)) if isinstance(v := item.get(c, ""), list) else str(v)
                        for c in columns))
    output.console().print(table if items else "none")


@partitions_app.command("list")
def list_partitions(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
                    as_json: AsJson = False) -> None:
    """The partitions you see (an administrator sees them all)."""
    with options.reported():
        items = options.client(api, client_id, client_secret).administration("GET", "partitions")
    _show(items, ["partitionId", "name"], as_json)


@partitions_app.command("create")
def create_partition(
    partition_id: Annotated[str, typer.Argument(metavar="PARTITION_ID", help="e.g. ACCOUNTING")],
    name: Annotated[str, typer.Argument(help="Its name, as people see it.")],
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Create (or rename) a partition. Administrators only."""
    with options.reported():
        items = options.client(api, client_id, client_secret).administration(
            "POST", "partitions", {"partitionId": partition_id, "name": name})
    _show(items, ["partitionId", "name"], as_json)


@partitions_app.command("users")
def list_users(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
               as_json: AsJson = False) -> None:
    """The e-Box's users and their rights. Administrators only."""
    with options.reported():
        items = options.client(api, client_id, client_secret).administration("GET", "users")
    _show(items, ["ssin", "roles", "partitions"], as_json)


@partitions_app.command("grant")
def grant(
    ssin: Annotated[str, typer.Argument(metavar="SSIN", help="The person's national register number.")],
    partitions: Partitions = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make them an administrator too.")] = False,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Set a person's rights: exactly the partitions given (none: no partition). Administrators only."""
    body = {"roles": ["ADMIN", "USER"] if admin else ["USER"], "partitions": partitions or []}
    with options.reported():
        items = options.client(api, client_id, client_secret).administration("PUT", f"users/{ssin}", body)
    _show(items, ["ssin", "roles", "partitions"], as_json)


RULE_COLUMNS = ["priority", "partitionId", "messageTypeId", "senderApplicationId", "senderOrganizationId"]


@partitions_app.command("rules")
def rules(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
          as_json: AsJson = False) -> None:
    """The routing rules, in the order they are tried. Administrators only."""
    with options.reported():
        items = options.client(api, client_id, client_secret).administration("GET", "routingRules")
    _show(items, RULE_COLUMNS, as_json)


@partitions_app.command("route")
def route(
    partition: Annotated[str, typer.Option("--to", help="The partition new messages go to.")],
    priority: Annotated[int, typer.Option("--priority", help="Lower is tried first.")],
    message_type: Annotated[str | None, typer.Option("--type", help="When the message type is this.")] = None,
    application: Annotated[str | None, typer.Option("--app", help="When the sender application is this.")] = None,
    organization: Annotated[str | None, typer.Option("--org", help="When the sender organisation is this.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Add a routing rule (or replace the one of the same priority). Administrators only."""
    if not (message_type or application or organization):
        raise typer.BadParameter("give --type, --app or --org", param_hint="'--type' / '--app' / '--org'")
    rule = {"partitionId": partition, "priority": priority, "messageTypeId": message_type,
            "senderApplicationId": application, "senderOrganizationId": organization}
    client = options.client(api, client_id, client_secret)
    with options.reported():
        kept = [r for r in client.administration("GET", "routingRules") if r.get("priority") != priority]
        items = client.administration("PUT", "routingRules",
                                      {"items": [*kept, {k: v for k, v in rule.items() if v is not None}]})
    _show(items, RULE_COLUMNS, as_json)
