"""Cohort pages: the list of cohorts and each cohort's progress page (the lab only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cohorts import access
from cohorts.filters import ProgressFilter
from cohorts.models import Cohort
from cohorts.progress import Figures, in_html
from cohorts.progress import cohort_list as cohorts_with_counts
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.pagination import paginate_window
from trainees import access as trainee_access


def _require_lab(request: AuthenticatedHttpRequest) -> None:
    if not trainee_access.can_view_cohort_progress(request.user):
        raise PermissionDenied


@login_required
def cohort_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_lab(request)
    # Counted without the enrolment counts, which join every cohort's enrolments.
    page = paginate_window(request, cohorts_with_counts(), count_queryset=Cohort.objects.all())
    return render(
        request,
        "cohorts/cohort_list.html",
        {"page": page, "can_manage": access.can_manage_cohorts(request.user)},
    )


@login_required
def cohort_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each enrolled trainee's logs, hours, blockers and milestones (see
    `cohorts.progress`): the database filters, sorts, counts and pages the enrolments
    on the figures the filter names, then computes every figure for the page's rows
    only."""
    _require_lab(request)
    cohort = get_object_or_404(Cohort, pk=pk)
    today = timezone.localdate()
    figures = Figures(cohort, today)
    filterset = ProgressFilter(request.GET, figures=figures, request=request)
    page = figures.page(filterset.qs, request.GET.get("page"), settings.PAGE_SIZE)
    page.object_list = in_html(page.object_list)
    return render(
        request,
        "cohorts/cohort_progress.html",
        {
            "cohort": cohort,
            "filter": filterset,
            "page": page,
            "is_running": cohort.starts_on <= today <= cohort.ends_on,
        },
    )
