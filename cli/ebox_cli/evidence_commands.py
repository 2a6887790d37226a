"""`ebox evidence verify`: anyone checks a message's signed evidence without our code's word for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.errors import CliError
from ebox_cli.options import DEFAULT_API, ApiUrl, ClientId, Secret

evidence_app = typer.Typer(help="Signed evidence of a message's delivery.", no_args_is_help=True)


@evidence_app.command("verify")
def verify_evidence(
    source: Annotated[str, typer.Argument(help="A message id (fetched from the API), or a JSON file saved "
                                               "from its /evidences answer.")],
    document: Annotated[list[Path] | None, typer.Option(
        "--document", exists=True, dir_okay=False, help="A document whose digest must be in the records.")] = None,
    jwks_file: Annotated[Path | None, typer.Option("--jwks", exists=True, dir_okay=False,
                                                   help="Trusted keys (default: the API's /evidence/keys).")] = None,
    tsa_certificate: Annotated[Path | None, typer.Option(
        "--tsa-certificate", exists=True, dir_okay=False,
        help="The time-stamping authority's certificate (PEM): each archive time stamp is checked against it.")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None,
) -> None:
    """Check every signature, the chain of records, their archive and the documents' digests; say plainly what
    holds."""
    from ebox_cli.evidence_check import verify_records

    path = Path(source)
    with options.reported():
        if path.is_file():
            answer = _saved_json(path, "items")
        else:
            answer = options.client(api, client_id, client_secret).evidence_answer(source)
        items = answer["items"]
        if answer.get("contentWithheld") or any(isinstance(i, dict) and "jws" not in i for i in items):
            raise CliError("the signed records of this qualified message are withheld until you accept it: "
                           "accept it first (its sender holds them all along)")
        jwks = _saved_json(jwks_file, "keys") if jwks_file else EboxClient(api).evidence_keys()
    verdict = verify_records([i["jws"] if isinstance(i, dict) else str(i) for i in items], jwks, document or [],
                             head=answer.get("head"), lookup=None if jwks_file else EboxClient(api).evidence_key,
                             archives=[i.get("archive") if isinstance(i, dict) else None for i in items],
                             tsa_certificate=tsa_certificate.read_bytes() if tsa_certificate else None)
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
