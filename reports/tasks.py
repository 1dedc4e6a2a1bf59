"""Background work of the reports: whole-history exports (and queueing again those
whose task was lost), deleting them when they expire, and the monthly report to the
admins (schedules in migrations 0002 and 0003)."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from reports import jobs, monthly

# Safe to retry: each task claims its work or keys its emails (see the modules).
OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**OPTIONS)
def build_export(self: Task, job_id: int) -> bool:
    """Write one export's file and email its requester. A job that is already done
    is left alone; any error other than a lost database marks the job failed."""
    try:
        return jobs.build_export(job_id)
    except OperationalError:
        raise
    except Exception as error:
        jobs.fail_export(job_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(**OPTIONS)
def requeue_lost_exports(self: Task) -> int:
    """Run by beat every five minutes: queue again the exports whose task was lost
    (jobs.lost_export_ids). Returns how many."""
    ids = jobs.lost_export_ids()
    for job_id in ids:
        build_export.delay(job_id)
    return len(ids)


@shared_task(**OPTIONS)
def purge_exports(self: Task) -> int:
    return jobs.purge_exports()


@shared_task(**OPTIONS)
def send_monthly_report(self: Task) -> int:
    """The first of the month: the key figures to every admin, once per month each."""
    return monthly.send_monthly_reports()
