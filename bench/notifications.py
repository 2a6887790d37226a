"""`python -m bench.notifications`: the scheduled notification jobs over one e-Box's day of messages,
on the emulator `make run` uses (moto server): duration, AWS calls by operation, e-mails sent, then the
same job again (nothing sent twice), beside a floor: the same number of bare SES SendEmail calls.

The messages are written straight into the index as publication writes them (bench.inbox.fill_ebox:
one a second up to now, a third of them read, half GENERAL, 30 % ACCOUNTING, 20 % HR); Anna (every
partition) takes the daily digest, Bruno (ACCOUNTING) each message."""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import inbox
from bench.calls import counting_calls
from bench.emulator import STREAM_POLLERS, provisioned_emulator


def _job(job: str, today: Any) -> tuple[dict[str, Any], float, Counter[str]]:
    from ebox.pipeline.scheduled_notifications import run_job
    from ebox.wiring import services

    with counting_calls() as calls:
        from ebox.adapters.aws_clients import reset_clients
        from ebox.wiring import reset_services

        reset_clients()  # clients made while counting carry the hook
        reset_services()
        started = time.perf_counter()
        result = run_job(job, today, services().notification_ports())
        elapsed = time.perf_counter() - started
    return result, elapsed, calls


def _floor(count: int) -> float:
    from ebox.adapters.aws_clients import reset_clients
    from ebox.wiring import reset_services, services

    reset_clients()  # a client of its own: the last run's client would count these calls as that run's
    reset_services()
    ses = services().client("ses")
    started = time.perf_counter()
    for number in range(count):
        ses.send_email(Source=services().config.mail_from, Destination={"ToAddresses": [f"floor{number}@x.be"]},
                       Message={"Subject": {"Data": "floor"}, "Body": {"Text": {"Data": "floor"}}})
    return time.perf_counter() - started


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2_000, help="messages received today in the e-Box")
    args = parser.parse_args()
    console = Console(width=140)
    with provisioned_emulator():
        from ebox.domain.notification_preferences import Mode, NotificationPreference
        from ebox.wiring import services

        inbox.fill_ebox(args.messages, STREAM_POLLERS)
        store = services().notification_preferences
        store.save_preference(inbox.RECIPIENT, NotificationPreference("85073003328", Mode.DAILY_DIGEST, "anna@x.be"))
        store.save_preference(inbox.RECIPIENT, NotificationPreference("90020199734", Mode.PER_MESSAGE, "bruno@x.be"))
        today = datetime.now(UTC).date()
        runs = [(f"{job} as on {day}{' (again)' if again else ''}", *_job(job, day))
                for job, day in (("digest", today + timedelta(days=1)), ("reminders", today + timedelta(days=15)))
                for again in (False, True)]
        sent = max(result["sent"] for _, result, _, _ in runs)
        floor = _floor(sent)
    table = Table(title=f"Scheduled notifications, {args.messages} messages received today in one e-Box "
                        f"(floor: {sent} bare SES SendEmail, {floor:.1f} s, {floor / sent * 1000:.1f} ms each)")
    for column in ("run", "sent", "already sent", "seconds", "ms per e-mail (ratio to floor)", "AWS calls"):
        table.add_column(column)
    for case, result, elapsed, calls in runs:
        per_mail = f"{elapsed / result['sent'] * 1000:.1f} ({elapsed / result['sent'] / (floor / sent):.1f}x)" \
            if result["sent"] else "-"
        table.add_row(case, str(result["sent"]), str(result["alreadySent"]), f"{elapsed:.1f}", per_mail,
                      ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
    console.print(table)


if __name__ == "__main__":
    main()
