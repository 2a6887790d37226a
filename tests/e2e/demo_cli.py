"""The demo data's clients as `ebox` CLI options, and the CLI driven against the running local stack."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

SENDER = ["--client-id", "demo-sender", "--client-secret", "demo-sender-secret"]
ANNA = ["--client-id", "user-anna", "--client-secret", "demo-secret"]  # Demo Bakery's administrator
BRUNO = ["--client-id", "user-bruno", "--client-secret", "demo-secret"]  # Demo Bakery, ACCOUNTING only
BAKERY = ["--client-id", "ent-0852093431", "--client-secret", "demo-secret"]  # Demo Bakery's own client
ONSS = ["--client-id", "ent-0406798006", "--client-secret", "demo-secret"]  # the sender organisation's e-Box
LOGISTICS = ["--client-id", "ent-0403019261", "--client-secret", "demo-secret"]  # another enterprise


@dataclass
class EboxCli:
    """`ebox …` as a user types it, against the local stack (EBOX_API_URL set by the fixture)."""

    runner: CliRunner

    def run(self, *args: str) -> Result:
        from ebox_cli.commands import app

        return self.runner.invoke(app, list(args))

    def ok(self, *args: str) -> str:
        """The standard output of a command that must succeed."""
        answer = self.run(*args)
        assert answer.exit_code == 0, answer.output
        return answer.stdout

    def json(self, *args: str) -> Any:
        """The `--json` answer of a command that must succeed."""
        return json.loads(self.ok(*args, "--json"))
