"""The cohorts' panel on the start page (see `labportal.core.startpage`): a trainee's
or a supervisor's cohorts, with the trainee's active assignments. The lab reaches its
cohorts from the menu. A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from cohorts import access
from cohorts.models import ACTIVE_ASSIGNMENT, Assignment
from labportal.accounts.models import Role

PANEL_COHORTS = 5


def my_cohorts_panel(user: Any) -> dict[str, Any] | None:
    if access.is_lab(user) or not access.can_list_cohorts(user):
        return None
    today = timezone.localdate()
    cohorts = list(
        access.cohorts_visible_to(user)
        .filter(ends_on__gte=today)
        .annotate(
            trainee_count=Count("enrolments", filter=Q(enrolments__left_early=False)),
        )
        .order_by("starts_on", "name")[:PANEL_COHORTS]
    )
    if not cohorts:
        return None
    assignments: list[Assignment] = []
    if user.role == Role.TRAINEE:
        assignments = list(
            access.assignments_visible_to(user)
            .filter(status__in=ACTIVE_ASSIGNMENT, memberships__enrolment__trainee=user)
            .select_related("idea", "cohort")
            .prefetch_related("members__trainee")
            .order_by("starts_on", "pk")
        )
    return {
        "template": "cohorts/includes/_start_panel_cohorts.html",
        "cohorts": cohorts,
        "assignments": assignments,
    }
