"""The outcome dashboard (admins and lab leads): thin, the figures come from
`reports.figures` and `reports.ideas`.

The page stays the same size whatever the data: the filters offer the chosen
organisation's cohorts and departments (`reports.forms.ReportFilterForm`), the
outcome table and its charts show a page of groups at a time with the total of them
all, and the ideas table the departments with the most ideas with one line for the
rest. The exports have every line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from labportal.accounts.http import AuthenticatedHttpRequest
from reports import access
from reports.charts import BarChart, share_chart
from reports.figures import OutcomeLine, OutcomeReport, outcome_report
from reports.forms import GROUP_CHOICES, ReportFilterForm
from reports.ideas import department_table
from reports.suppression import min_cell

NO_FIGURE = "\N{EN DASH}"  # nobody to count
GROUPS_PER_PAGE = 25


def _missing(line: OutcomeLine, month: int) -> str:
    point = line.points[month]
    return point.base.text if point.base.hidden else NO_FIGURE


def charts_for(report: OutcomeReport, lines: list[OutcomeLine] | None = None) -> list[BarChart]:
    """The dashboard's charts (also drawn in the PDF): in work at the end and at the
    last follow-up point, per group of `lines` (by default every group)."""
    last = report.points[-1]
    titles = {
        0: _("Share in work at the end of the programme"),
        last: _("Share in work %(months)s months after the programme") % {"months": last},
    }
    return [
        share_chart(
            title,
            [
                (line.label, line.points[month].work_share, _missing(line, month))
                for line in (report.lines if lines is None else lines)
            ],
        )
        for month, title in titles.items()
    ]


def filter_context(form: ReportFilterForm) -> dict[str, Any]:
    """The filter form and its options: the organisations with something to report,
    and the chosen organisation's cohorts and departments (one query each)."""
    return {
        "form": form,
        "query": query_of(form),
        "k": min_cell(),
        "organisation_options": form.organisation_choices,
        "organisation_value": str(form.params.get("organisation", "")),
        "cohort_options": form.cohort_options(),
        "department_options": form.department_options(),
        "group_options": GROUP_CHOICES,
    }


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_see_reports(request.user):
        raise PermissionDenied
    form = ReportFilterForm(request.GET, user=request.user)
    context = filter_context(form)
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    report = outcome_report(form.grouping(), form.filters())
    page = Paginator(report.lines, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    data = form.cleaned_data
    context |= {
        "report": report,
        "page": page,
        "charts": charts_for(report, list(page.object_list)),
        "departments": department_table(
            starts=data.get("starts"),
            ends=data.get("ends"),
            organisation_id=form.scope_id,
            department_id=form.department_id(),
        ),
        "group_label": dict(GROUP_CHOICES)[form.grouping()],
    }
    return render(request, "reports/dashboard.html", context)


def query_of(form: ReportFilterForm) -> str:
    """The filters with the scope they were given (named even when it was the default),
    for the links to the exports and the PDF: every line, not a page."""
    params = form.params.copy()
    params.pop("page", None)
    return str(params.urlencode())
