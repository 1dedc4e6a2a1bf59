"""Background work on the trainee journey, run by beat (schedules in migrations
0004_beat_schedules and 0007_follow_up_schedule, editable in the admin): the Monday
log reminder of `trainees.reminders` and the daily follow-ups after the programme of
`trainees.services.follow_ups`."""

from __future__ import annotations

import dataclasses

from celery import Task, shared_task
from django.db import OperationalError

from trainees import reminders
from trainees.services import follow_ups

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


@shared_task(**REMINDER_TASK_OPTIONS)
def send_follow_ups(self: Task) -> dict[str, int]:
    """Every morning: schedule the follow-ups now due, send them, remind, and record the
    unanswered ones (see `run_follow_ups`). Safe to retry or to run twice: every step is
    judged again on the locked row and every email has its own outbox key. Returns the
    run's counts (scheduled, sent, reminded, unanswered, cancelled)."""
    return dataclasses.asdict(follow_ups.run_follow_ups())
