"""Background work on cohorts: the lab leads' Monday digest of `cohorts.reminders`, run
by beat (schedule in trainees' migration 0004_beat_schedules, editable in the admin),
and the nightly deletion of applicants not taken (schedule in cohorts' migration
0006_applicant_purge_schedule)."""

from __future__ import annotations

from celery import Task, shared_task

from cohorts import reminders
from cohorts.services import recruitment_purge
from trainees.tasks import REMINDER_TASK_OPTIONS


@shared_task(**REMINDER_TASK_OPTIONS)
def send_lead_digests(self: Task) -> int:
    """Monday morning: each lab lead's digest of last week in the running cohorts. Safe
    to retry, to run twice or after a worker died halfway: at most one email per lead
    and week."""
    return reminders.send_lead_digests()


@shared_task(**REMINDER_TASK_OPTIONS)
def purge_applicants_not_taken(self: Task) -> int:
    """Nightly: delete the applicants who were not taken, APPLICANT_RETENTION_MONTHS
    after the decision (or after their cohort's end, if never decided). Safe to retry,
    to run twice or after a worker died halfway: whatever is gone stays gone, and the
    rest goes on the next run. Returns how many were deleted."""
    return recruitment_purge.purge_applicants_not_taken()
