"""Who may see the reports: the app's one door.

Only admins and lab leads see outcome figures and export them. Trainees see their
own outcome history on their own pages (`trainees.access`), never a report."""

from __future__ import annotations

from typing import Any

from labportal.accounts.models import Role

LAB_ROLES = (Role.ADMIN, Role.LAB_LEAD)


def can_see_reports(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in LAB_ROLES)


def can_export_named(user: Any) -> bool:
    """Rows with names, emails and employers: admins only, and never without a reason
    (`reports.forms.NamedExportForm`); each such export is audited."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def can_see_export_job(user: Any, job: Any) -> bool:
    """An export prepared in the background: its requester, or an admin; a named one
    only for those who may export names."""
    if not can_see_reports(user):
        return False
    if job.named and not can_export_named(user):
        return False
    return bool(job.requested_by_id == user.pk or user.role == Role.ADMIN)


def get_export_job_for_user(user: Any, pk: int) -> Any:
    """The job, for its requester or an admin; 403 for anyone who never sees reports,
    404 for a job of someone else."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from reports.models import ExportJob

    if not can_see_reports(user):
        raise PermissionDenied
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or not can_see_export_job(user, job):
        raise Http404
    return job
