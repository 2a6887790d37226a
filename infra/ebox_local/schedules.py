"""The template's schedules, fired on demand: moto never fires an EventBridge schedule, and waiting for
05:00 UTC (or for 15 days) is no way to try a reminder. `POST /local/schedules` runs every schedule's
target function now, with the rule's Input, and `today` added when given, so that a job runs as on that
day (a time override: the e-Box's scheduled jobs read `today` from their input). `GET /local/schedules`
lists them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ebox_local.model import LocalFunction


@dataclass(frozen=True)
class LocalSchedule:
    """A `Type: Schedule` event of a function (a rule with a ScheduleExpression)."""

    rule: str
    expression: str
    function: str  # the function's logical id
    input: str | None = None

    def describe(self) -> dict[str, Any]:
        return {"rule": self.rule, "schedule": self.expression, "function": self.function,
                "input": json.loads(self.input) if self.input else None}


class ScheduleRequestError(ValueError):
    """The request names no known schedule, or a `today` that is not a date."""


def fire(schedules: Iterable[LocalSchedule], functions: dict[str, LocalFunction],
         invoke: Callable[[LocalFunction, Any], Any], *, today: str | None = None,
         rule: str | None = None) -> list[dict[str, Any]]:
    """Runs the schedules (or the one named ``rule``), in template order; each answer or error is reported."""
    if today is not None:
        try:
            date.fromisoformat(today)
        except (TypeError, ValueError):
            raise ScheduleRequestError(f"today must be a date YYYY-MM-DD, not {today!r}") from None
    chosen = [s for s in schedules if rule in (None, s.rule)]
    if not chosen:
        raise ScheduleRequestError(f"no schedule named {rule!r}" if rule else "the template has no schedule")
    fired = []
    for schedule in chosen:
        event = json.loads(schedule.input) if schedule.input else {}
        if today is not None:
            event["today"] = today
        report: dict[str, Any] = {**schedule.describe(), "input": event}
        try:
            report["result"] = invoke(functions[schedule.function], event)
        except Exception as error:  # noqa: BLE001 - reported as Lambda reports an unhandled error
            report["error"] = f"{type(error).__name__}: {error}"
        fired.append(report)
    return fired
