"""How the `ebox` command shows things to people (Rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

LANGUAGES = ("fr", "nl", "de", "en")


def pick(translated: dict[str, str] | None, language: str) -> str:
    if not translated:
        return ""
    return translated.get(language) or next((translated[lang] for lang in LANGUAGES if translated.get(lang)), "")


def inbox_table(page: dict[str, Any], summary: dict[str, Any], language: str) -> Table:
    table = Table(title=f"e-Box: {summary.get('numberOfMessages', 0)} messages, "
                        f"{summary.get('numberOfUnreadMessages', 0)} unread")
    for column in ("", "received", "sender", "subject", "docs", "messageId"):
        table.add_column(column, overflow="fold")
    for message in page.get("items", []):
        table.add_row(
            " " if message.get("readStatus") else "[bold]●[/bold]",
            message.get("receiptDate", ""),
            message.get("senderOrganizationId", ""),
            ("[bold]" if not message.get("readStatus") else "") + pick(message.get("subject"), language),
            str(message.get("attachments", {}).get("totalItems", 0)),
            message.get("messageId", ""),
        )
    return table


def message_panel(message: dict[str, Any], body: dict[str, str] | None, language: str) -> Panel:
    lines = [
        f"[bold]{pick(message.get('subject'), language)}[/bold]",
        f"from {message.get('senderOrganizationId')} ({message.get('senderApplicationId')}), "
        f"type {message.get('messageTypeId')}",
        f"received {message.get('receiptDate')}, available until {message.get('expirationDate')}",
        f"registered mail: {'yes' if message.get('registeredMail') else 'no'}; "
        f"replies: {'allowed' if message.get('replyAuthorized') else 'not allowed'}",
    ]
    if body:
        lines += ["", pick(body, language)]
    return Panel("\n".join(lines), title=message.get("messageId"))


def mail_table(mails: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{len(mails)} e-mails captured by the local stack (newest first)")
    for column in ("to", "subject", "body"):
        table.add_column(column, overflow="fold")
    for mail in mails:
        destinations = mail.get("destinations") or {}
        to = ", ".join(destinations.get("ToAddresses", [])) if isinstance(destinations, dict) else str(destinations)
        table.add_row(to, str(mail.get("subject", "")), str(mail.get("body", "")))
    return table


def evidence_table(rows: list[tuple[str, str, bool, str]]) -> Table:
    table = Table(title="Evidence check")
    for column in ("record", "event", "", "what"):
        table.add_column(column, overflow="fold")
    for record, event, ok, what in rows:
        table.add_row(record, event, "[green]✓[/green]" if ok else "[red]✗[/red]", what)
    return table


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, soft_wrap=True)
