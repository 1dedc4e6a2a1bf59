"""Whole-history exports prepared by a Celery worker (`reports.tasks.build_export`).

Invariants:

- A job is requested by someone who may see reports; a named one only by an admin,
  with a reason. The request and, when done, the export itself are audited.
- Building is safe to repeat (a retry, a second delivery after a worker died): it
  claims the job with a conditional update while it is queued or running, starts
  from the first row again, replaces any half-written file, and a job that is ready,
  failed or expired is left alone. The "ready" email has an outbox key per job, so
  it is sent once.
- Progress is written every PROGRESS_EVERY rows, so the page can show it.
- A ready file is deleted EXPORT_KEEP_HOURS after it was finished (`purge_exports`).
- A job whose task was lost (Redis restarted without its queue, a worker died and
  its message with it) is queued again by beat's sweep (`lost_export_ids`).
"""

from __future__ import annotations

import datetime
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import queue_email, record_audit
from reports import access
from reports.exports import record_export
from reports.exports_rows import RowExport
from reports.figures import Filters
from reports.models import ExportJob, ExportStatus

PROGRESS_EVERY = 5000
S = ExportStatus
# A job still queued after this long has most likely lost its task: queue it again.
REQUEUE_QUEUED_AFTER = datetime.timedelta(minutes=10)


def filters_as_json(filters: Filters) -> dict[str, Any]:
    return {
        "starts": filters.starts.isoformat() if filters.starts else None,
        "ends": filters.ends.isoformat() if filters.ends else None,
        "cohort": filters.cohort_id,
        "organisation": filters.organisation_id,
    }


def filters_of(data: dict[str, Any]) -> Filters:
    def day(value: str | None) -> datetime.date | None:
        return datetime.date.fromisoformat(value) if value else None

    return Filters(
        starts=day(data.get("starts")),
        ends=day(data.get("ends")),
        cohort_id=data.get("cohort"),
        organisation_id=data.get("organisation"),
    )


@transaction.atomic
def request_export(
    *, actor: User, filters: Filters, file_format: str, named: bool = False, reason: str = ""
) -> ExportJob:
    """Queue a whole-history export of the outcome rows; the worker starts it once
    this transaction has committed."""
    from reports import tasks  # the task module imports this one

    if not access.can_see_reports(actor) or (named and not access.can_export_named(actor)):
        raise PermissionDenied
    if file_format not in ("csv", "xlsx"):
        raise ValidationError({"file_format": _("Choose CSV or XLSX.")})
    reason = reason.strip()
    if named and not reason:
        raise ValidationError({"reason": _("Give the reason for a named export.")})
    job = ExportJob.objects.create(
        requested_by=actor,
        file_format=file_format,
        named=named,
        reason=reason,
        filters=filters_as_json(filters),
    )
    record_audit(
        actor, "report.export_requested", job, named=named, reason=reason, filters=job.filters
    )
    transaction.on_commit(lambda: tasks.build_export.delay(job.pk))
    return job


def _counting(rows: Iterable[Any], job_id: int) -> Iterator[Any]:
    """The rows, writing the progress to the job every PROGRESS_EVERY rows."""
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)


class _CountingLines:
    """The progress of a CSV from COPY: its lines, counted per block (a note's line
    break counts too; the finished job gets the exact count)."""

    def __init__(self, job_id: int) -> None:
        self.job_id, self.done, self.written = job_id, 0, 0

    def __call__(self, block: bytes) -> None:
        self.done += block.count(b"\n")
        if self.done - self.written >= PROGRESS_EVERY:
            self.written = self.done
            ExportJob.objects.filter(pk=self.job_id).update(rows_done=self.done)


def build_export(job_id: int) -> bool:
    """Write the job's file (see the module). False when there was nothing to do."""
    claimed = ExportJob.objects.filter(pk=job_id, status__in=[S.QUEUED, S.RUNNING]).update(
        status=S.RUNNING, rows_done=0, error="", updated_at=timezone.now()
    )
    if not claimed:
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    filters = filters_of(job.filters)
    export = RowExport(named=job.named)
    total = export.queryset(filters).count()
    ExportJob.objects.filter(pk=job_id).update(rows_total=total)
    name = f"labportal-outcomes-{job.pk}-{secrets.token_hex(8)}.{job.file_format}"
    if job.file:
        job.file.delete(save=False)  # a half-written file of an earlier attempt
    if job.file_format == "xlsx":
        counted = partial(_counting, job_id=job_id)
        with export.xlsx(filters, _("Outcomes"), counted) as handle:
            job.file.save(name, File(handle), save=False)
    else:
        with tempfile.TemporaryFile() as handle:
            for block in export.csv(filters, _CountingLines(job_id)):
                handle.write(block)
            handle.seek(0)
            job.file.save(name, File(handle), save=False)
    _finish(job, total, filters)
    return True


@transaction.atomic
def _finish(job: ExportJob, total: int, filters: Filters) -> None:
    now = timezone.now()
    job.status = S.READY
    job.rows_total = job.rows_done = total
    job.finished_at = now
    job.expires_at = now + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    job.save()
    record_export(
        actor=job.requested_by,
        kind="rows",
        file_format=job.file_format,
        filters=filters,
        named=job.named,
        rows=total,
        reason=job.reason,
    )
    requester = job.requested_by
    if requester is not None and requester.is_active:
        queue_email(
            key=f"export-ready:{job.pk}",
            to=requester.email,
            template="export_ready",
            context={
                "recipient": requester,
                "job_url": f"{settings.SITE_URL}{job.get_absolute_url()}",
                "rows": total,
                "expires_at": job.expires_at,
            },
            language=requester.language,
        )


def fail_export(job_id: int, error: str) -> None:
    ExportJob.objects.filter(pk=job_id, status__in=[S.QUEUED, S.RUNNING]).update(
        status=S.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def lost_export_ids(now: datetime.datetime | None = None) -> list[int]:
    """The jobs to queue again: queued for REQUEUE_QUEUED_AFTER, or claimed ("running")
    longer ago than the task's hard time limit, which no live build outlasts.

    They are stamped, so the next sweep waits as long again before it queues them once
    more. Safe even if a task was only slow: building is repeatable and the "ready"
    email has one outbox key per job (see the module)."""
    now = now or timezone.now()
    running_limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    ids = list(
        ExportJob.objects.filter(
            Q(status=S.QUEUED, updated_at__lt=now - REQUEUE_QUEUED_AFTER)
            | Q(status=S.RUNNING, updated_at__lt=now - running_limit)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    ExportJob.objects.filter(pk__in=ids).update(updated_at=now)
    return ids


def purge_exports(now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their time; the job stays as "expired"."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(status=S.READY, expires_at__lt=now):
        if job.file:
            job.file.delete(save=False)
        job.status = S.EXPIRED
        job.save(update_fields=["file", "status", "updated_at"])
        purged += 1
    return purged
