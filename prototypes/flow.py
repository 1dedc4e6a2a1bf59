"""The idea flow: ideas submitted per department and quarter, how long the lab took
to answer, and how many it accepted — so the lab sees which departments went quiet.

Everything is aggregated in PostgreSQL, in a fixed number of queries whatever the
number of ideas or departments: the page shows one organisation's departments by
default (`flow_scope`) and a page of departments at a time, with the totals and the
quiet departments counted over every department of the scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from labportal.accounts.models import Department, Organisation
from labportal.accounts.scope import OrganisationScope, organisation_scope
from prototypes.models import IdeaEvent, IdeaStatus


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass(frozen=True)
class Quarter:
    start: datetime.date

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


@dataclass
class DepartmentFlow:
    department: Department
    counts: list[int]
    total: int = 0
    median_days_to_triage: float | None = None
    accepted: int = 0
    decided: int = 0
    last_submitted: datetime.datetime | None = None

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def is_quiet(self) -> bool:
        """No idea in the last two quarters."""
        return sum(self.counts[-2:]) == 0


QUIET_SHOWN = 10  # the quiet departments named; the rest are counted


@dataclass
class FlowReport:
    quarters: list[Quarter]
    rows: list[DepartmentFlow] = field(default_factory=list)  # the departments shown
    totals: list[int] = field(default_factory=list)  # per quarter, every department
    quiet: list[Department] = field(default_factory=list)  # the first QUIET_SHOWN
    quiet_count: int = 0  # every quiet department

    @property
    def quiet_not_shown(self) -> int:
        return self.quiet_count - len(self.quiet)


def flow_scope(departments: QuerySet, own: int | None, asked: str) -> OrganisationScope:
    """Whose departments the page shows, among the organisations of `departments`
    (see `labportal.accounts.scope`)."""
    return organisation_scope(
        Organisation.objects.filter(Exists(departments.filter(organisation=OuterRef("pk")))),
        own,
        asked,
    )


def quarters_back(count: int, today: datetime.date | None = None) -> list[Quarter]:
    """The current quarter and the `count - 1` before it, oldest first."""
    today = today or timezone.localdate()
    year, index = today.year, (today.month - 1) // 3
    quarters = []
    for _ in range(count):
        quarters.append(Quarter(datetime.date(year, index * 3 + 1, 1)))
        index -= 1
        if index < 0:
            year, index = year - 1, 3
    return list(reversed(quarters))


def idea_flow(
    ideas: QuerySet,
    departments: QuerySet,
    quarters: list[Quarter],
    shown: list[Department] | None = None,
) -> FlowReport:
    """Aggregate `ideas` (already limited to what the viewer may see) per department
    of `departments` over `quarters`: a row for each department of `shown` (a page of
    `departments`; by default all of them), the totals and the quiet departments over
    all of `departments`."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(quarters[0].start, datetime.time.min, tzinfo=tz)
    recent = datetime.datetime.combine(quarters[-2:][0].start, datetime.time.min, tzinfo=tz)
    in_period = ideas.filter(submitted_at__gte=start)
    if shown is None:
        shown = list(
            departments.order_by("organisation__name", "name").select_related("organisation")
        )
    pks = [department.pk for department in shown]
    on_page = in_period.filter(department_id__in=pks)

    counts: dict[tuple[int, datetime.date], int] = {}
    for row in (
        on_page.annotate(quarter=TruncQuarter("submitted_at", tzinfo=tz))
        .values("department_id", "quarter")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["department_id"], timezone.localtime(row["quarter"], tz).date())] = row["n"]

    stats: dict[int, dict[str, Any]] = {
        row["department_id"]: row
        for row in on_page.annotate(
            was_accepted=Exists(
                IdeaEvent.objects.filter(idea=OuterRef("pk"), to_status=IdeaStatus.ACCEPTED)
            )
        )
        .values("department_id")
        .annotate(
            total=Count("pk"),
            median_to_triage=Median(
                F("triaged_at") - F("submitted_at"),
                filter=Q(triaged_at__isnull=False),
                output_field=DurationField(),
            ),
            decided=Count("pk", filter=Q(decided_at__isnull=False)),
            accepted=Count("pk", filter=Q(decided_at__isnull=False, was_accepted=True)),
        )
        .order_by()
    }
    # Only ideas that were submitted have a submission time, so drafts never count here.
    latest = dict(
        Department.objects.filter(pk__in=pks)
        .annotate(last_submitted=Max("ideas__submitted_at"))
        .values_list("pk", "last_submitted")
    )
    per_quarter = {
        timezone.localtime(row["quarter"], tz).date(): row["n"]
        for row in in_period.filter(department__in=departments.values("pk"))
        .annotate(quarter=TruncQuarter("submitted_at", tzinfo=tz))
        .values("quarter")
        .annotate(n=Count("pk"))
        .order_by()
    }
    quiet = departments.exclude(
        Exists(ideas.filter(department=OuterRef("pk"), submitted_at__gte=recent))
    )

    report = FlowReport(
        quarters=quarters,
        totals=[per_quarter.get(quarter.start, 0) for quarter in quarters],
        quiet=list(
            quiet.select_related("organisation").order_by("organisation__name", "name")[
                :QUIET_SHOWN
            ]
        ),
        quiet_count=quiet.count(),
    )
    for department in shown:
        stat = stats.get(department.pk, {})
        median = stat.get("median_to_triage")
        report.rows.append(
            DepartmentFlow(
                department=department,
                counts=[counts.get((department.pk, q.start), 0) for q in quarters],
                total=stat.get("total", 0),
                median_days_to_triage=median.total_seconds() / 86400 if median else None,
                accepted=stat.get("accepted", 0),
                decided=stat.get("decided", 0),
                last_submitted=latest.get(department.pk),
            )
        )
    return report
