"""The cohort progress page's rows: one per enrolled trainee, every figure computed by
the database in the one query that also sorts, filters and pages them.

Per trainee: the last log's week and whether it names blockers; the weeks owed since
the enrolment began (the week it began in counts) up to last week, and how many of
them have no log; hours of practical work and of education in the enrolment so far
and education's share against the cohort's target; milestones due soon and overdue.
Each figure is a correlated subquery on an index (logs by trainee and week,
milestones by trainee), so the cost grows with the cohort's trainees, not with the
number of logs in the database."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    Greatest,
    Least,
    Length,
    NullIf,
    Round,
    Trim,
)

from cohorts.models import Cohort, Enrolment
from trainees.models import Milestone, MilestoneStatus, ProgressLog, monday_of

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=1))


class DaysBetween(Func):
    """`later - earlier` for two dates, in whole days (PostgreSQL's date subtraction)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class MondayOf(Func):
    """The Monday that starts a date's ISO week, as a date (see `trainees.models.monday_of`)."""

    template = "(DATE_TRUNC('week', %(expressions)s)::date)"
    output_field = DateField()


def _count(queryset: QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) of `queryset` (no GROUP BY over the outer row)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def _sum(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(total=Func(F(field), function="SUM")).values("total")[:1],
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )


def progress_rows(cohort: Cohort, today: datetime.date) -> QuerySet[Enrolment]:
    """The cohort's enrolments with the page's figures annotated (see the module)."""
    last_week = monday_of(today) - datetime.timedelta(weeks=1)
    due_soon_until = today + datetime.timedelta(days=settings.MILESTONE_DUE_SOON_DAYS)

    logs = ProgressLog.objects.filter(trainee=OuterRef("trainee_id"))
    in_enrolment = logs.filter(week__gte=OuterRef("start_week"), week__lte=OuterRef("end_week"))
    milestones = Milestone.objects.filter(
        trainee=OuterRef("trainee_id"), status=MilestoneStatus.PLANNED
    )
    return (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("trainee")
        .annotate(
            start_week=MondayOf(Coalesce("starts_on", "cohort__starts_on")),
            end_week=MondayOf(Coalesce("ends_on", "cohort__ends_on")),
        )
        .annotate(
            counted_until=Least(F("end_week"), Value(last_week, output_field=DateField())),
        )
        .annotate(
            owed_weeks=Greatest(DaysBetween(F("counted_until"), F("start_week")) / 7 + 1, Value(0)),
            logged_weeks=Coalesce(
                _count(
                    logs.filter(
                        week__gte=OuterRef("start_week"), week__lte=OuterRef("counted_until")
                    )
                ),
                0,
            ),
            last_week_logged=Subquery(logs.order_by("-week").values("week")[:1]),
            blockers_length=Length(Trim(Subquery(logs.order_by("-week").values("blockers")[:1]))),
            hours_practical=Coalesce(_sum(in_enrolment, "hours_practical"), ZERO),
            hours_education=Coalesce(_sum(in_enrolment, "hours_education"), ZERO),
            due_soon=Coalesce(
                _count(milestones.filter(due_on__gte=today, due_on__lte=due_soon_until)), 0
            ),
            overdue=Coalesce(_count(milestones.filter(due_on__lt=today)), 0),
        )
        .annotate(
            missing_weeks=Greatest(F("owed_weeks") - F("logged_weeks"), Value(0)),
            education_share=Round(
                F("hours_education")
                * 100
                / NullIf(F("hours_practical") + F("hours_education"), ZERO)
            ),
            has_blockers=ExpressionWrapper(Q(blockers_length__gt=0), output_field=BooleanField()),
        )
        .annotate(
            below_target=ExpressionWrapper(
                Q(education_share__lt=cohort.education_target_percent),
                output_field=BooleanField(),
            )
        )
    )


def cohort_list(today: datetime.date) -> QuerySet[Cohort]:
    """Cohorts, newest first, with the number of trainees enrolled and whether they
    run `today`."""
    return (
        Cohort.objects.select_related("organisation", "lab_lead")
        .annotate(
            trainee_count=Count("enrolments"),
            is_running=ExpressionWrapper(
                Q(starts_on__lte=today, ends_on__gte=today), output_field=BooleanField()
            ),
        )
        .order_by("-starts_on", "name", "pk")
    )
