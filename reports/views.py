"""The outcome dashboard (admins and lab leads): thin, the figures come from
`reports.figures` and `reports.ideas`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Department, Organisation
from reports import access
from reports.charts import BarChart, share_chart
from reports.figures import OutcomeLine, OutcomeReport, outcome_report
from reports.forms import GROUP_CHOICES, ReportFilterForm
from reports.ideas import department_lines
from reports.suppression import min_cell

NO_FIGURE = "\N{EN DASH}"  # nobody to count


def _missing(line: OutcomeLine, month: int) -> str:
    point = line.points[month]
    return point.base.text if point.base.hidden else NO_FIGURE


def charts_for(report: OutcomeReport) -> list[BarChart]:
    """The dashboard's charts (also drawn in the PDF): in work at the end and at the
    last follow-up point, per group."""
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
                for line in report.lines
            ],
        )
        for month, title in titles.items()
    ]


def filter_context(form: ReportFilterForm) -> dict[str, Any]:
    """The filter form and its options (one query each, written out plainly)."""
    return {
        "form": form,
        "k": min_cell(),
        "cohort_options": Cohort.objects.order_by("-starts_on").values_list("pk", "name"),
        "organisation_options": Organisation.objects.order_by("name").values_list("pk", "name"),
        "department_options": Department.objects.order_by("name").values_list("pk", "name"),
        "group_options": GROUP_CHOICES,
    }


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_see_reports(request.user):
        raise PermissionDenied
    form = ReportFilterForm(request.GET or {})
    context = filter_context(form) | {"query": request.GET.urlencode()}
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    report = outcome_report(form.grouping(), form.filters())
    data = form.cleaned_data
    context |= {
        "report": report,
        "charts": charts_for(report),
        "departments": department_lines(
            starts=data.get("starts"),
            ends=data.get("ends"),
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            department_id=data["department"].pk if data.get("department") else None,
        ),
        "group_label": dict(GROUP_CHOICES)[form.grouping()],
    }
    return render(request, "reports/dashboard.html", context)
