"""Per department: ideas submitted, delivered and the benefit their departments saw.
Ideas are not about people, so these figures need no suppression.

The table is bounded: the departments with the most ideas, then one line for all the
others and the total, both counted in the database, so that the page stays the same
size with a handful of departments or with every department in the country."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from labportal.accounts.models import Department
from prototypes.models import Idea

SHOWN_DEPARTMENTS = 20


@dataclass(frozen=True)
class DepartmentLine:
    name: str
    organisation: str
    submitted: int
    delivered: int
    evaluated: int
    benefit_sum: int | None  # the departments' own ratings, 1 to 5, added up
    rated: int  # how many ideas were rated

    @property
    def mean_benefit(self) -> float | None:
        return (self.benefit_sum or 0) / self.rated if self.rated else None

    @property
    def benefit(self) -> str:
        return "" if self.mean_benefit is None else f"{self.mean_benefit:.1f}"


@dataclass(frozen=True)
class DepartmentTable:
    lines: list[DepartmentLine]  # the departments with the most ideas, most first
    others: DepartmentLine | None  # every other department with ideas, in one line
    other_count: int  # how many departments `others` stands for
    total: DepartmentLine

    def __bool__(self) -> bool:
        return bool(self.lines)


def _idea_filter(
    prefix: str,
    starts: datetime.date | None,
    ends: datetime.date | None,
    organisation_id: int | None,
    department_id: int | None,
) -> Q:
    """Ideas submitted in the period, of the organisation or department; `prefix` is
    how the idea is reached ("ideas__" from a department, "" from the idea)."""
    q = Q(**{f"{prefix}submitted_at__isnull": False})
    if starts:
        q &= Q(**{f"{prefix}submitted_at__date__gte": starts})
    if ends:
        q &= Q(**{f"{prefix}submitted_at__date__lte": ends})
    if prefix == "":
        if organisation_id:
            q &= Q(department__organisation_id=organisation_id)
        if department_id:
            q &= Q(department_id=department_id)
    return q


def department_table(
    starts: datetime.date | None = None,
    ends: datetime.date | None = None,
    organisation_id: int | None = None,
    department_id: int | None = None,
    shown: int = SHOWN_DEPARTMENTS,
) -> DepartmentTable:
    """Two queries: the `shown` departments with the most ideas submitted in the period
    (by the day they were submitted), of them delivered and evaluated, and the mean
    benefit; and the same figures over every department (the total, and what the
    line for the others is worked out from)."""
    submitted = _idea_filter("ideas__", starts, ends, organisation_id, department_id)
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
            benefit_sum=Sum("ideas__evaluation__benefit_realised", filter=submitted),
            rated=Count("ideas__evaluation__benefit_realised", filter=submitted),
        )
        .filter(submitted__gt=0)
        .values_list(
            "name",
            "organisation__name",
            "submitted",
            "delivered",
            "evaluated",
            "benefit_sum",
            "rated",
        )
        .order_by("-submitted", "organisation__name", "name")[: shown + 1]
    )
    lines = [DepartmentLine(*row) for row in rows]
    everything = Idea.objects.filter(
        _idea_filter("", starts, ends, organisation_id, department_id)
    ).aggregate(
        departments=Count("department", distinct=True),
        submitted=Count("pk"),
        delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        evaluated=Count("evaluation"),
        benefit_sum=Sum("evaluation__benefit_realised"),
        rated=Count("evaluation__benefit_realised"),
    )
    total = DepartmentLine(
        name="",
        organisation="",
        submitted=everything["submitted"],
        delivered=everything["delivered"],
        evaluated=everything["evaluated"],
        benefit_sum=everything["benefit_sum"],
        rated=everything["rated"],
    )
    if len(lines) <= shown:
        return DepartmentTable(lines=lines, others=None, other_count=0, total=total)
    lines = lines[:shown]
    others = DepartmentLine(
        name="",
        organisation="",
        submitted=total.submitted - sum(line.submitted for line in lines),
        delivered=total.delivered - sum(line.delivered for line in lines),
        evaluated=total.evaluated - sum(line.evaluated for line in lines),
        benefit_sum=(total.benefit_sum or 0) - sum(line.benefit_sum or 0 for line in lines),
        rated=total.rated - sum(line.rated for line in lines),
    )
    return DepartmentTable(
        lines=lines, others=others, other_count=everything["departments"] - shown, total=total
    )
