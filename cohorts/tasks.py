"""Background work on cohorts: the lab leads' Monday digest of `cohorts.reminders`, run
by beat (schedule in trainees' migration 0004_beat_schedules, editable in the admin)."""

from __future__ import annotations

from celery import Task, shared_task

from cohorts import reminders
from trainees.tasks import REMINDER_TASK_OPTIONS


@shared_task(**REMINDER_TASK_OPTIONS)
def send_lead_digests(self: Task) -> int:
    """Monday morning: each lab lead's digest of last week in the running cohorts. Safe
    to retry, to run twice or after a worker died halfway: at most one email per lead
    and week."""
    return reminders.send_lead_digests()
