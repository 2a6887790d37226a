"""Scheduled notifications: the daily digest and the reminders / expiration alerts, run by EventBridge
schedules with the input {"job": "digest"} or {"job": "reminders"}.

An operator may run a missed day again with {"job": ..., "today": "YYYY-MM-DD"}: nothing already sent
is sent twice. {"job": "backfill"} (once, after deploying onto existing messages) gives older messages
the day keys the jobs read; it answers "more": true until done. A run where some e-mail failed raises after
trying every other one, so that the scheduler's retry sends only what is missing."""

import logging
from typing import Any

from ebox import observability
from ebox.domain.clock import now
from ebox.domain.notification_schedule import job_day
from ebox.pipeline.notification_steps import NotificationPorts
from ebox.pipeline.scheduled_notifications import run_job
from ebox.wiring import services

logger = logging.getLogger("ebox.functions.scheduled_notifications")


@observability.observed()
def handler(event: dict[str, Any], context: Any, deps: NotificationPorts | None = None) -> dict[str, Any]:
    today = job_day(event.get("today"), now=now())
    result = run_job(str(event.get("job")), today, deps or services().notification_ports())
    logger.info("scheduled notifications done", extra=result)
    return result
