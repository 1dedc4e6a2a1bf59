"""Per department: ideas submitted, delivered and the benefit their departments saw.
Ideas are not about people, so these figures need no suppression."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from labportal.accounts.models import Department


@dataclass(frozen=True)
class DepartmentLine:
    name: str
    organisation: str
    submitted: int
    delivered: int
    evaluated: int
    mean_benefit: float | None  # the departments' own rating, 1 to 5

    @property
    def benefit(self) -> str:
        return "" if self.mean_benefit is None else f"{self.mean_benefit:.1f}"


def department_lines(
    starts: datetime.date | None = None,
    ends: datetime.date | None = None,
    organisation_id: int | None = None,
    department_id: int | None = None,
) -> list[DepartmentLine]:
    """One query: each department with ideas submitted in the period (by the day they
    were submitted), of them delivered and evaluated, and the mean benefit."""
    submitted = Q(ideas__submitted_at__isnull=False)
    if starts:
        submitted &= Q(ideas__submitted_at__date__gte=starts)
    if ends:
        submitted &= Q(ideas__submitted_at__date__lte=ends)
    departments = Department.objects.all()
    if organisation_id:
        departments = departments.filter(organisation_id=organisation_id)
    if department_id:
        departments = departments.filter(pk=department_id)
    rows = (
        departments.annotate(
            submitted=Count("ideas", filter=submitted),
            delivered=Count("ideas", filter=submitted & Q(ideas__delivered_at__isnull=False)),
            evaluated=Count("ideas__evaluation", filter=submitted),
            mean_benefit=Avg("ideas__evaluation__benefit_realised", filter=submitted),
        )
        .filter(submitted__gt=0)
        .values_list(
            "name",
            "organisation__name",
            "submitted",
            "delivered",
            "evaluated",
            "mean_benefit",
        )
        .order_by("organisation__name", "name")
    )
    return [DepartmentLine(*row) for row in rows]
