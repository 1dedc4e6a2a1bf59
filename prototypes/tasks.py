"""Background work on ideas: the scheduled nudges of `prototypes.reminders`, run by
beat (schedules in migration 0003_beat_schedules, editable in the admin)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from prototypes import reminders

# Safe to retry: every nudge is keyed in the outbox, so a rerun sends nothing twice.
NUDGE_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**NUDGE_TASK_OPTIONS)
def remind_lab_of_waiting_ideas(self) -> int:  # noqa: ANN001
    """Weekday mornings: tell the lab leads which ideas wait for triage. Safe to retry
    or run twice: at most one email per lead and day."""
    return reminders.send_triage_reminders()


@shared_task(**NUDGE_TASK_OPTIONS)
def remind_lab_of_missing_evaluations(self) -> int:  # noqa: ANN001
    """Daily: tell the lab leads of delivered prototypes still without an evaluation.
    Safe to retry or run twice: one email per prototype and lead, ever."""
    return reminders.send_evaluation_reminders()


@shared_task(**NUDGE_TASK_OPTIONS)
def send_idea_digests(self) -> int:  # noqa: ANN001
    """On the first of the month: the departments' digest of the previous month.
    Safe to retry or run late: one email per person and reported month."""
    return reminders.send_monthly_digests()
