"""`ebox notifications …`: how you hear of new documents (per message, a daily digest, or not at all),
and, on the local stack, the daily jobs run now as on any day (digest, reminders, expiration alerts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from ebox_cli import options, output
from ebox_cli.api_client import EboxClient
from ebox_cli.options import DEFAULT_API, ApiUrl, AsJson, ClientId, Secret

notifications_app = typer.Typer(help=__doc__, no_args_is_help=True)
MODES = {"per-message": "PER_MESSAGE", "daily-digest": "DAILY_DIGEST", "none": "NONE"}


def _show(preference: dict[str, Any], as_json: bool) -> None:
    if as_json:
        options.print_json(preference)
        return
    output.console().print(f"{preference.get('ssin')}: {preference.get('mode')}"
                           + (f" to {preference['email']}" if preference.get("email") else "")
                           + (f" in {preference['language']}" if preference.get("language") else ""))


@notifications_app.command("show")
def show(
    ssin: Annotated[str, typer.Argument(metavar="SSIN", help="Someone else's (administrators only).")] = "me",
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Your notification preference (or, for an administrator, another person's)."""
    with options.reported():
        [preference] = options.client(api, client_id, client_secret).administration(
            "GET", f"users/{ssin}/notificationPreferences")
    _show(preference, as_json)


@notifications_app.command("set")
def set_preference(
    mode: Annotated[str, typer.Option("--mode", help="per-message, daily-digest or none.")],
    email: Annotated[str | None, typer.Option("--email", help="Where to send them.")] = None,
    language: Annotated[str | None, typer.Option("--lang", help="nl, fr or de (default: the three).")] = None,
    api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None, as_json: AsJson = False,
) -> None:
    """Set how you hear of the new documents of the partitions you hold rights on."""
    if mode not in MODES:
        raise typer.BadParameter(f"one of {', '.join(MODES)}", param_hint="'--mode'")
    body = {"mode": MODES[mode], "email": email, "language": language}
    with options.reported():
        [preference] = options.client(api, client_id, client_secret).administration(
            "PUT", "users/me/notificationPreferences", {k: v for k, v in body.items() if v is not None})
    _show(preference, as_json)


@notifications_app.command("clear")
def clear(api: ApiUrl = DEFAULT_API, client_id: ClientId = None, client_secret: Secret = None) -> None:
    """Forget your preference (the e-Box's contact address is notified when nobody of a partition has one)."""
    with options.reported():
        options.client(api, client_id, client_secret).forget_notification_preference()
    output.console().print("preference removed")


@notifications_app.command("run-schedules")
def run_schedules(
    today: Annotated[str | None, typer.Option("--today", help="Run as on this day (YYYY-MM-DD).")] = None,
    in_days: Annotated[int | None, typer.Option("--in-days", help="Run as N days from now.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this schedule (see GET /local/schedules).")]
    = None,
    api: ApiUrl = DEFAULT_API, as_json: AsJson = False,
) -> None:
    """The local stack only: fire the scheduled jobs now (moto never fires schedules)."""
    if in_days is not None:
        today = (datetime.now(UTC).date() + timedelta(days=in_days)).isoformat()
    with options.reported():
        fired = EboxClient(api).fire_schedules(today=today, rule=rule)
    if as_json:
        options.print_json(fired)
        return
    for report in fired:
        outcome = report.get("result") if "result" in report else f"failed: {report.get('error')}"
        output.console().print(f"{report.get('rule')} ({report.get('input')}): {outcome}")
