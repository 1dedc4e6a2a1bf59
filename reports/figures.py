"""The outcome figures of the dashboard, the exports and the PDF: computed once, here,
in a fixed number of queries whatever the data size, and suppressed here
(`reports.suppression`), so that every format shows the same numbers and hides the
same cells.

What is counted (an enrolment is one trainee's time in one cohort):

- trainees: enrolments ending in the period, grouped by cohort, by the cohort's
  host organisation, or by the year the enrolment ended;
- at each point (the end, and FOLLOW_UP_MONTHS months after it): the enrolments with
  an outcome recorded there (the base, "unknown" included: a follow-up nobody
  answered lowers the share rather than leaving the base), of them in work in the IT
  sector and in work in another sector or their own business;
- the median days from the end of the enrolment to the start of the first job, over
  those whose job has a start date (a job found before the end counts as 0 days);
- follow-ups sent and answered;
- the trainees in work through a job at one of the lab's partner organisations.

Suppression: per point the base is split into in IT / other work / not in work, one
row per group with the total as the last line; a figure of the split is shown only
when no part it is made of is hidden. The trainees per group, and the follow-ups
answered / not answered, are suppressed the same way. A median over fewer than
REPORT_MIN_CELL people is not shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractYear, Greatest

from cohorts.models import Enrolment
from reports.suppression import Figure, min_cell, share, suppress
from trainees.models import EMPLOYED, FollowUp, FollowUpStatus, Outcome, OutcomeCategory

GROUPS = ("cohort", "organisation", "year")
IT = OutcomeCategory.EMPLOYED_IT
OTHER_WORK = sorted(EMPLOYED - {IT})
ASKED = (FollowUpStatus.SENT, FollowUpStatus.ANSWERED, FollowUpStatus.UNANSWERED)
NOBODY = Figure(0, hidden=False)


class Median(Aggregate):
    """PostgreSQL's median: percentile_cont(0.5) over the group."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def points() -> tuple[int, ...]:
    """The end (0) and the follow-up points, in months after the end."""
    return (0, *settings.FOLLOW_UP_MONTHS)


@dataclass(frozen=True)
class Filters:
    """Enrolments ending from `starts` to `ends` (either open), of one cohort or one
    host organisation."""

    starts: datetime.date | None = None
    ends: datetime.date | None = None
    cohort_id: int | None = None
    organisation_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        """The filters on an enrolment reached through `prefix` (e.g. "enrolment__"),
        so that rows of other tables are filtered by a join, not a subquery."""
        q = Q()
        if self.starts:
            q &= Q(**{f"{prefix}ends_on__gte": self.starts})
        if self.ends:
            q &= Q(**{f"{prefix}ends_on__lte": self.ends})
        if self.cohort_id:
            q &= Q(**{f"{prefix}cohort_id": self.cohort_id})
        if self.organisation_id:
            q &= Q(**{f"{prefix}cohort__organisation_id": self.organisation_id})
        return q

    def enrolments(self) -> QuerySet[Enrolment]:
        return Enrolment.objects.filter(self.q())


@dataclass(frozen=True)
class PointFigures:
    """The outcomes at one point of one group, suppressed."""

    base: Figure
    in_it: Figure
    in_work: Figure  # in IT, in another sector, or their own business

    @property
    def it_share(self) -> str | None:
        return share(self.in_it, self.base)

    @property
    def work_share(self) -> str | None:
        return share(self.in_work, self.base)


@dataclass
class OutcomeLine:
    key: Any  # the group's id (cohort, organisation) or year; None for the total
    label: str
    trainees: Figure
    points: dict[int, PointFigures] = field(default_factory=dict)
    median_days: int | None = None  # None: nobody, or too few to show
    asked: Figure = NOBODY
    answered: Figure = NOBODY
    through_partner: Figure = NOBODY  # in work at some point through a partner's job

    @property
    def response_share(self) -> str | None:
        return share(self.answered, self.asked)


@dataclass
class OutcomeReport:
    group: str
    lines: list[OutcomeLine]  # one per group, in order
    total: OutcomeLine
    points: tuple[int, ...]
    k: int


def _group_fields(group: str, prefix: str = "") -> tuple[dict[str, Any], list[str]]:
    """Annotations and the value names that make the group's key and label."""
    if group == "cohort":
        return {}, [f"{prefix}cohort_id", f"{prefix}cohort__name"]
    if group == "organisation":
        return {}, [f"{prefix}cohort__organisation_id", f"{prefix}cohort__organisation__name"]
    if group == "year":
        return {"group_year": ExtractYear(f"{prefix}ends_on")}, ["group_year", "group_year"]
    raise ValueError(f"Unknown grouping {group!r}; one of {GROUPS}.")


def _first_job_start() -> Subquery:
    """The start of the enrolment's first job with a start date (per enrolment)."""
    return Subquery(
        Outcome.objects.filter(
            enrolment=OuterRef("pk"), category__in=list(EMPLOYED), starts_on__isnull=False
        )
        .order_by("starts_on")
        .values("starts_on")[:1]
    )


def _first_job_days() -> Case:
    """Days from the enrolment's end to `first_job` (0 for a job found before the
    end), NULL without a job: a date minus a date is a number of days in PostgreSQL,
    and its GREATEST skips NULLs, so without the CASE nobody-found-work would count
    as 0 days in the median."""
    days = Func(
        F("first_job"),
        F("ends_on"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )  # written out: Django's own date subtraction gives an interval
    return Case(
        When(first_job__isnull=False, then=Greatest(days, Value(0), output_field=IntegerField())),
        default=None,
        output_field=IntegerField(),
    )


def outcome_counts(group: str, filters: Filters) -> list[dict[str, Any]]:
    """The raw counts per group (one query), unsuppressed: for `outcome_report`."""
    extra, (key, label) = _group_fields(group)
    counts: dict[str, Any] = {"trainees": Count("pk", distinct=True)}
    for month in points():
        at = Q(outcomes__months_after=month)
        counts[f"base_{month}"] = Count("pk", distinct=True, filter=at)
        counts[f"it_{month}"] = Count("pk", distinct=True, filter=at & Q(outcomes__category=IT))
        counts[f"other_{month}"] = Count(
            "pk", distinct=True, filter=at & Q(outcomes__category__in=OTHER_WORK)
        )
    rows = (
        filters.enrolments()
        .annotate(**extra, first_job=_first_job_start())
        .annotate(job_days=_first_job_days())
        .values(key, label)
        .annotate(
            **counts,
            median_days=Median("job_days"),
            with_job_days=Count("pk", distinct=True, filter=Q(first_job__isnull=False)),
            through_partner=Count(
                "pk",
                distinct=True,
                filter=Q(outcomes__partner__isnull=False, outcomes__category__in=list(EMPLOYED)),
            ),
        )
        .order_by(label, key)
    )
    return [{**row, "key": row[key], "label": row[label]} for row in rows]


def follow_up_counts(group: str, filters: Filters) -> dict[Any, tuple[int, int]]:
    """Follow-ups asked (sent at least once) and answered per group (one query)."""
    extra, (key, _label) = _group_fields(group, "enrolment__")
    rows = (
        FollowUp.objects.filter(filters.q("enrolment__"))
        .annotate(**extra)
        .values(key)
        .annotate(
            asked=Count("pk", filter=Q(status__in=ASKED)),
            answered=Count("pk", filter=Q(status=FollowUpStatus.ANSWERED)),
        )
        .order_by(key)
    )
    return {row[key]: (row["asked"], row["answered"]) for row in rows}


def _median(value: float | None, people: int, k: int) -> int | None:
    if value is None or people < k:
        return None
    return round(value)


def outcome_report(group: str, filters: Filters | None = None) -> OutcomeReport:
    """The outcome figures per group and in total, suppressed (see the module).
    Three queries whatever the number of groups or enrolments."""
    filters = filters or Filters()
    k = min_cell()
    rows = outcome_counts(group, filters)
    asked = follow_up_counts(group, filters)
    lines = [OutcomeLine(key=row["key"], label=str(row["label"]), trainees=NOBODY) for row in rows]
    total = OutcomeLine(key=None, label="", trainees=NOBODY)

    trainees = suppress([[row["trainees"]] for row in rows], k, columns=1)
    for line, figure in zip(lines, trainees.row_totals, strict=True):
        line.trainees = figure
    total.trainees = trainees.total

    for month in points():
        split = [
            [
                row[f"it_{month}"],
                row[f"other_{month}"],
                row[f"base_{month}"] - row[f"it_{month}"] - row[f"other_{month}"],
            ]
            for row in rows
        ]
        table = suppress(split, k, columns=3)
        for line, cells, base in zip(lines, table.cells, table.row_totals, strict=True):
            line.points[month] = _point(cells, base)
        total.points[month] = _point(table.column_totals, table.total)

    replies = suppress(
        [
            [asked.get(row["key"], (0, 0))[1], _unanswered(asked.get(row["key"], (0, 0)))]
            for row in rows
        ],
        k,
        columns=2,
    )
    for line, cells, all_asked in zip(lines, replies.cells, replies.row_totals, strict=True):
        line.answered, line.asked = cells[0], all_asked
    total.answered, total.asked = replies.column_totals[0], replies.total

    partners = suppress(
        [[row["through_partner"], row["trainees"] - row["through_partner"]] for row in rows],
        k,
        columns=2,
    )
    for line, cells in zip(lines, partners.cells, strict=True):
        line.through_partner = cells[0]
    total.through_partner = partners.column_totals[0]

    for line, row in zip(lines, rows, strict=True):
        line.median_days = _median(row["median_days"], row["with_job_days"], k)
    total.median_days = _overall_median(filters, k)
    return OutcomeReport(group=group, lines=lines, total=total, points=points(), k=k)


def _unanswered(counts: tuple[int, int]) -> int:
    asked, answered = counts
    return asked - answered


def _point(cells: Sequence[Figure], base: Figure) -> PointFigures:
    in_it, other, _not_in_work = cells
    in_work = Figure(in_it.value + other.value, in_it.hidden or other.hidden)
    return PointFigures(base=base, in_it=in_it, in_work=in_work)


def _overall_median(filters: Filters, k: int) -> int | None:
    figures = (
        filters.enrolments()
        .annotate(first_job=_first_job_start())
        .annotate(job_days=_first_job_days())
        .aggregate(
            median=Median("job_days"),
            people=Count("pk", distinct=True, filter=Q(first_job__isnull=False)),
        )
    )
    return _median(figures["median"], figures["people"], k)
