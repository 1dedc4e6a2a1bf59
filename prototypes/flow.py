"""The idea flow: ideas submitted per department and quarter, how long the lab took
to answer, and how many it accepted — so the lab sees which departments went quiet.

Everything is aggregated in PostgreSQL: three queries, whatever the number of ideas."""

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

from labportal.accounts.models import Department
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


@dataclass
class FlowReport:
    quarters: list[Quarter]
    rows: list[DepartmentFlow] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.quarters))]

    @property
    def quiet(self) -> list[DepartmentFlow]:
        return [row for row in self.rows if row.is_quiet]


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


def idea_flow(ideas: QuerySet, departments: QuerySet, quarters: list[Quarter]) -> FlowReport:
    """Aggregate `ideas` (already limited to what the viewer may see) per department
    of `departments` over `quarters`."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(quarters[0].start, datetime.time.min, tzinfo=tz)
    in_period = ideas.filter(submitted_at__gte=start)

    counts: dict[tuple[int, datetime.date], int] = {}
    for row in (
        in_period.annotate(quarter=TruncQuarter("submitted_at", tzinfo=tz))
        .values("department_id", "quarter")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["department_id"], timezone.localtime(row["quarter"], tz).date())] = row["n"]

    stats: dict[int, dict[str, Any]] = {
        row["department_id"]: row
        for row in in_period.annotate(
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

    report = FlowReport(quarters=quarters)
    # Only ideas that were submitted have a submission time, so drafts never count here.
    for department in (
        departments.annotate(last_submitted=Max("ideas__submitted_at"))
        .order_by("organisation__name", "name")
        .select_related("organisation")
    ):
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
                last_submitted=department.last_submitted,
            )
        )
    return report
