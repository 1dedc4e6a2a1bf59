"""Background work on the trainee journey: the Monday log reminder of
`trainees.reminders`, run by beat (schedule in migration 0004_beat_schedules,
editable in the admin)."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import OperationalError

from trainees import reminders

# Safe to retry: every reminder is keyed in the outbox, so a rerun sends nothing twice.
REMINDER_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**REMINDER_TASK_OPTIONS)
def remind_trainees_of_missing_logs(self: Task) -> int:
    """Monday morning: one email to each trainee whose log for last week is missing.
    Safe to retry, to run twice or after a worker died halfway: at most one email per
    trainee and week."""
    return reminders.send_log_reminders()
