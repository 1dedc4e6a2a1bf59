"""Whole-history exports prepared in the background: asking for one, following its
progress (the page refreshes its progress in place with htmx, and has a plain link
without JavaScript), and downloading the file while it is kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.services import record_audit
from reports import access
from reports.forms import HistoryExportForm, ReportFilterForm
from reports.jobs import request_export


@login_required
@require_POST
def export_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_see_reports(request.user):
        raise PermissionDenied
    filters = ReportFilterForm(request.GET, user=request.user)
    form = HistoryExportForm(request.POST, allow_named=access.can_export_named(request.user))
    if not filters.is_valid() or not form.is_valid():
        messages.error(request, " ".join(form.errors_text() or [_("Check the filters.")]))
        return redirect("reports:exports")
    try:
        job = request_export(
            actor=request.user,
            filters=filters.filters(),
            file_format=form.cleaned_data["file_format"],
            named=form.cleaned_data.get("named") or False,
            reason=form.cleaned_data.get("reason") or "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:exports")
    messages.success(request, _("The export is being prepared. You get an email when it is ready."))
    return redirect(job)


@login_required
@require_GET
def export_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = access.get_export_job_for_user(request.user, pk)
    template = (
        "reports/includes/_export_progress.html"
        if request.headers.get("HX-Request")
        else "reports/export_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_job_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    job = access.get_export_job_for_user(request.user, pk)
    if not job.is_ready or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_audit(request.user, "report.export_downloaded", job, named=job.named)
    response = FileResponse(
        handle, as_attachment=True, filename=f"labportal-outcomes-{job.pk}.{job.file_format}"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
