"""`ebox`: publish to an enterprise's e-Box, consult one, see the e-mails the local stack sent.

Exit codes: 0 done; 1 the API refused, failed or is unreachable, or a document failed its digest check; 2 usage."""

from __future__ import annotations

import typer

from ebox_cli import bulk_download, message_commands, reply_commands
from ebox_cli.admin_commands import admin_app
from ebox_cli.bulk_commands import bulk_app
from ebox_cli.callback_commands import callbacks_app
from ebox_cli.evidence_commands import evidence_app
from ebox_cli.notification_commands import notifications_app
from ebox_cli.partition_commands import partitions_app
from ebox_cli.stats_commands import stats

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)

for command in (message_commands.publish, message_commands.inbox, message_commands.read, message_commands.mail,
                message_commands.token, reply_commands.reply):
    app.command()(command)
app.command("download")(bulk_download.download)
app.command("stats")(stats)

app.add_typer(bulk_app, name="bulk")
app.add_typer(evidence_app, name="evidence")
app.add_typer(partitions_app, name="partitions")
app.add_typer(reply_commands.action_app, name="action")
app.add_typer(notifications_app, name="notifications")
app.add_typer(admin_app, name="admin")
app.add_typer(callbacks_app, name="callbacks")
