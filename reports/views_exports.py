"""The exports page and its downloads: the figures (CSV, XLSX, PDF with the charts),
the outcome rows (pseudonymised for the lab; named for admins, with a reason) and the
weekly progress logs (pseudonymised). Every download is written to the audit log
before it is sent. Row CSVs stream from PostgreSQL's COPY (`reports.exports_sql`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.pdf import html_to_pdf
from reports import access
from reports.exports import csv_lines, figure_header, figure_rows, record_export, write_xlsx
from reports.exports_rows import LogExport, RowExport
from reports.exports_sql import SqlExport
from reports.figures import Filters, outcome_report
from reports.forms import GROUP_CHOICES, HistoryExportForm, NamedExportForm, ReportFilterForm
from reports.views import charts_for, filter_context

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_reports(request: AuthenticatedHttpRequest) -> None:
    if not access.can_see_reports(request.user):
        raise PermissionDenied


def _filename(kind: str, extension: str) -> str:
    return f"labportal-{kind}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _file(handle: Any, stream: Any, kind: str, file_format: str) -> HttpResponseBase:
    """The XLSX file `handle`, or the CSV `stream` (bytes), as a private attachment."""
    response: HttpResponseBase
    if file_format == "xlsx":
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=_filename(kind, "xlsx"),
            content_type=CONTENT_TYPES["xlsx"],
        )
    else:
        response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "csv")}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def _download(
    header: list[str], rows: Any, kind: str, file_format: str, title: str
) -> HttpResponseBase:
    """The figures as a file (a few lines: written in Python)."""
    if file_format == "xlsx":
        return _file(write_xlsx(header, rows, title), None, kind, file_format)
    return _file(None, (line.encode() for line in csv_lines(header, rows)), kind, file_format)


def _rows_download(
    export: SqlExport, filters: Filters, kind: str, file_format: str, title: str
) -> HttpResponseBase:
    """A row export: the CSV streamed from PostgreSQL's COPY, the XLSX written to a
    temporary file first (a zip is read from its end)."""
    if file_format == "xlsx":
        return _file(export.xlsx(filters, title), None, kind, file_format)
    return _file(None, export.csv(filters), kind, file_format)


@login_required
def exports_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reports(request)
    form = ReportFilterForm(request.GET, user=request.user)
    named = NamedExportForm() if access.can_export_named(request.user) else None
    return _render_exports(request, form, named, status=200 if form.is_valid() else 400)


def _render_exports(
    request: AuthenticatedHttpRequest,
    form: ReportFilterForm,
    named_form: NamedExportForm | None,
    *,
    status: int,
) -> HttpResponse:
    """The exports page: the filters, and the forms this user may send."""
    context = filter_context(form) | {
        "named_form": named_form,
        "history_form": HistoryExportForm(allow_named=access.can_export_named(request.user)),
        "keep_hours": settings.EXPORT_KEEP_HOURS,
    }
    return render(request, "reports/exports.html", context, status=status)


@login_required
@require_GET
def export_download(
    request: AuthenticatedHttpRequest, kind: str, file_format: str
) -> HttpResponseBase:
    """`kind` "figures" (the dashboard's table, suppressed) or "rows" (pseudonymised
    outcome rows), as `file_format` "csv" or "xlsx", for the filters in the query."""
    _require_reports(request)
    form = ReportFilterForm(request.GET, user=request.user)
    if kind not in ("figures", "rows") or file_format not in FORMATS:
        raise Http404
    if not form.is_valid():
        return exports_page(request)
    filters = form.filters()
    if kind == "rows":
        return _export_rows(request, RowExport(named=False), filters, "rows", file_format)
    report = outcome_report(form.grouping(), filters)
    label = str(dict(GROUP_CHOICES)[form.grouping()])
    record_export(
        actor=request.user,
        kind=kind,
        file_format=file_format,
        filters=filters,
        named=False,
        rows=len(report.lines),
    )
    return _download(
        figure_header(report, label), figure_rows(report), kind, file_format, _("Outcomes")
    )


def _export_rows(
    request: AuthenticatedHttpRequest,
    export: SqlExport,
    filters: Filters,
    kind: str,
    file_format: str,
    *,
    reason: str = "",
) -> HttpResponseBase:
    named = isinstance(export, RowExport) and export.named
    record_export(
        actor=request.user,
        kind=kind,
        file_format=file_format,
        filters=filters,
        named=named,
        rows=export.queryset(filters).count(),
        reason=reason,
    )
    title = _("Progress logs") if kind == "logs" else _("Outcomes")
    return _rows_download(export, filters, "named-rows" if named else kind, file_format, title)


@login_required
@require_GET
def export_logs(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponseBase:
    """Every weekly progress log of the filters, pseudonymised and without the free
    text (`reports.exports_rows.LogExport`), as CSV or XLSX: for the lab."""
    _require_reports(request)
    if file_format not in FORMATS:
        raise Http404
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return exports_page(request)
    return _export_rows(request, LogExport(), form.filters(), "logs", file_format)


@login_required
@require_POST
def export_named(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Outcome rows with names, emails, employers and notes: admins only, with a
    reason, for the filters in the query."""
    if not access.can_export_named(request.user):
        raise PermissionDenied
    filters_form = ReportFilterForm(request.GET, user=request.user)
    form = NamedExportForm(request.POST)
    if not filters_form.is_valid() or not form.is_valid():
        return _render_exports(request, filters_form, form, status=400)
    return _export_rows(
        request,
        RowExport(named=True),
        filters_form.filters(),
        "rows",
        form.cleaned_data["file_format"],
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_GET
def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's figures and charts as a PDF for the municipal board. Made in
    the request: a few pages of aggregated figures take WeasyPrint about a second."""
    _require_reports(request)
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return exports_page(request)
    report = outcome_report(form.grouping(), form.filters())
    context = filter_context(form) | {
        "report": report,
        "charts": charts_for(report),
        "group_label": dict(GROUP_CHOICES)[form.grouping()],
        "generated": timezone.localtime(),
    }
    pdf = html_to_pdf(
        render_to_string("reports/report_pdf.html", context, request=request),
        stylesheet="css/summary-pdf.css",
    )
    record_export(
        actor=request.user,
        kind="figures",
        file_format="pdf",
        filters=form.filters(),
        named=False,
        rows=len(report.lines),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("report", "pdf")}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
