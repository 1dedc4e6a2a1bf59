"""Background work on personal data: the nightly run of the retention decisions
(schedule in migration 0003_retention_schedule, editable in the admin)."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from privacy import retention

# Safe to retry: each person is done in a transaction of its own, what is done stays
# done, and the admins' report is keyed per run and admin (see privacy.retention).
OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


# A night's run may take longer than an ordinary task (CELERY_TASK_TIME_LIMIT).
@shared_task(**OPTIONS, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def apply_retention_rules(self: Task, triggered_by: int | None = None) -> int:
    """Nightly (or when an admin presses "Run now"): apply every active retention rule
    to the people and rows past their period. Returns the run's primary key."""
    run = retention.apply_retention(triggered_by=triggered_by)
    return int(run.pk)
