"""How the `ebox` command shows things to people (Rich). Text from the API is never read as Rich markup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ebox_cli.answers import EboxSummary, Message, MessagePage, Published
from ebox_cli.errors import ApiError, ApiUnreachable, CliError

LANGUAGES = ("fr", "nl", "de")
UNREAD = "●"
STATUS_FIELDS = {"id", "code", "message", "environment", "error", "error_description"}


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def pick(translated: dict[str, str], language: str) -> str:
    """The text in `language`, else in the first language that has one."""
    return translated.get(language) or next((translated[lang] for lang in LANGUAGES if translated.get(lang)),
                                            next(iter(translated.values()), ""))


def when(timestamp: str, *, seconds: bool = True) -> str:
    """`2026-03-01T09:30:00Z` as `2026-03-01 09:30:00 UTC` (or `2026-03-01 09:30`); anything else as it came."""
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return timestamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    if not seconds:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if moment.tzinfo is not None else "")


def published(answer: Published) -> RenderableType:
    lines = [Text.assemble("published ", (answer.message_id, "bold"),
                           f", available until {when(answer.expiration_date)}" if answer.expiration_date else "")]
    if answer.code == "NO_DIGITAL_USER":
        lines.append(Text.from_markup(
            "[yellow]NO_DIGITAL_USER[/yellow]: the recipient has never opened its e-Box, so nobody there may see "
            "this message; send it on paper as well."))
    elif answer.code:
        lines.append(Text(f"note from the API: {answer.code}", style="yellow"))
    return Group(*lines)


def inbox(page: MessagePage, summary: EboxSummary, language: str, *, first_number: int) -> RenderableType:
    """One row per message; the id sits under the subject so that it is never cut, even 80 columns wide."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("received", no_wrap=True)
    table.add_column("sender", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("subject / messageId", overflow="fold", min_width=36)
    table.add_column("docs", justify="right", no_wrap=True)
    for number, message in enumerate(page.items, start=first_number):
        subject = Text(pick(message.subject, language) or "(no subject)", style="" if message.read else "bold")
        if message.action:
            subject.append(f"  {action_summary(message.action)}", style="red" if message.action.get("overdue") else "")
        table.add_row(str(number), when(message.receipt_date, seconds=False), message.sender_organization_id,
                      Text("" if message.read else UNREAD, style="bold"),
                      Text.assemble(subject, "\n", (message.message_id, "dim")), str(len(message.attachments)))
    shown = (f"{first_number}–{first_number + len(page.items) - 1} of {page.total_items}" if page.items
             else f"none of {page.total_items} on this page")
    legend = f" ({UNREAD})" if summary.number_of_unread_messages else ""
    return Group(table, Text(f"{_count(summary.number_of_messages, 'message')}, {summary.number_of_unread_messages} "
                             f"unread{legend}; showing {shown}"))


def message(message: Message, language: str) -> RenderableType:
    lines = [
        Text(pick(message.subject, language) or "(no subject)", style="bold"),
        Text(f"from {message.sender_organization_id} ({message.sender_application_id}), "
             f"type {message.message_type_id}"),
        Text(f"received {when(message.receipt_date)}, available until {when(message.expiration_date)}"),
        Text(f"{'read' if message.read else 'unread'}; registered mail: {'yes' if message.registered_mail else 'no'}"),
    ]
    for attachment in message.attachments:
        main = ", main content" if attachment.main_content else ""
        lines.append(Text(f"• {attachment.file_name} ({attachment.media_type}, {attachment.size_kb:g} kB{main})"))
    if message.body_main_content:
        lines.append(Text("• the body is the main content"))
    if message.action:
        link = message.action.get("link")
        lines.append(Text(f"for action: {action_summary(message.action)}" + (f" — {link}" if link else ""),
                          style="red" if message.action.get("overdue") else "bold"))
    if message.original_message_id:
        lines.append(Text(f"in reply to {message.original_message_id}"))
    if message.raw.get("replyAuthorized"):
        lines.append(Text("replies allowed: `ebox reply " + message.message_id + " --subject …`"))
    for reply_id in message.reply_ids:
        lines.append(Text(f"↳ replied: {reply_id}"))
    return Panel(Group(*lines), title=escape(message.message_id), title_align="left")


def action_summary(action: dict[str, Any]) -> str:
    """`PAYMENT due 2027-01-31: TODO (overdue)` or `…: DONE 2027-01-20 10:00`."""
    state = str(action.get("status", ""))
    if state == "DONE" and action.get("doneAt"):
        state += f" {when(str(action['doneAt']), seconds=False)}"
    elif action.get("overdue"):
        state += " (overdue)"
    return f"{action.get('kind', '?')} due {action.get('dueDate', '?')}: {state}"


def body(text: dict[str, str], language: str) -> RenderableType:
    return Panel(Text(pick(text, language)), title="body", title_align="left")


def saved(paths: list[Path]) -> RenderableType:
    return Group(*[Text(f"saved {path} (SHA-256 checked)") for path in paths])


def mails(items: list[dict[str, Any]]) -> RenderableType:
    if not items:
        return Text("no e-mail captured yet")
    panels: list[RenderableType] = [Text(f"{_count(len(items), 'e-mail')} captured by the local stack, newest first")]
    for mail in items:
        rows = Table.grid(padding=(0, 1))
        rows.add_column(style="dim")
        rows.add_column(overflow="fold")
        for key, value in mail.items():
            if key not in ("subject", "body", "text", "html"):
                rows.add_row(key, _shown(value))
        text = next((mail[k] for k in ("body", "text", "html") if mail.get(k)), "")
        panels.append(Panel(Group(rows, Text(""), Text(_shown(text))) if text else rows,
                            title=escape(_shown(mail.get("subject", "(no subject)"))), title_align="left"))
    return Group(*panels)


def evidence_table(rows: list[tuple[str, str, bool, str]]) -> Table:
    table = Table(title="Evidence check")
    for column in ("record", "event", "", "what"):
        table.add_column(column, overflow="fold")
    for record, event, ok, what in rows:
        table.add_row(Text(record), Text(event), Text("✓", style="green") if ok else Text("✗", style="red"), Text(what))
    return table


def failure(error: CliError) -> RenderableType:
    if isinstance(error, ApiError):
        lines = [Text.assemble((error.code, "bold red"), f" (HTTP {error.status}): " if error.status else ": ",
                               (error.message, "red"))]
        lines += [Text(f"{key}: {_abridged(_shown(value))}") for key, value in error.body.items()
                  if key not in STATUS_FIELDS]
        return Group(*lines)
    text = Text(str(error), style="red")
    if isinstance(error, ApiUnreachable):
        text.append("\nIs the local stack running? Start it with `make run` (or point --api / EBOX_API_URL at the "
                    "API).", style="default")
    return text


def _abridged(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else f"{text[:limit - 40]}… ({len(text)} characters)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return "" if value is None else str(value)
