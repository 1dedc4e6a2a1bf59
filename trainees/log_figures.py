"""What the log pages and start-page panels show about a trainee's weeks.

The running split of hours is one aggregate in the database, and the other figures
are one query each, so a page's queries do not grow with the number of logs,
weeks or trainees. An enrolment is reached through `user.enrolments` (this app
never imports `cohorts`); its cohort names the target share of education, and
without an enrolment the setting TRAINEE_EDUCATION_TARGET_PERCENT applies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from labportal.accounts.models import User
from trainees.models import ProgressLog, monday_of

# "Recent" blockers on the supervisor's panel: this week and the three before.
RECENT_WEEKS = 4
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=1))
ONE_WEEK = datetime.timedelta(weeks=1)


# Enrolments and targets -------------------------------------------------------------------
def enrolments_of(trainee: User) -> list[Any]:
    """The trainee's enrolments with their cohorts, the latest start first (one query)."""
    enrolments = list(trainee.enrolments.select_related("cohort"))
    return sorted(enrolments, key=lambda enrolment: enrolment.start, reverse=True)


def enrolment_covering(enrolments: list[Any], week: datetime.date) -> Any | None:
    """The enrolment whose period touches the week that starts on Monday `week`
    (the latest one if two do), or None."""
    for enrolment in enrolments:
        if monday_of(enrolment.start) <= week <= enrolment.end:
            return enrolment
    return None


def current_enrolment(enrolments: list[Any], today: datetime.date) -> Any | None:
    """The enrolment running this week; else the latest that has started; else the
    next one to start."""
    covering = enrolment_covering(enrolments, monday_of(today))
    if covering is not None:
        return covering
    started = [enrolment for enrolment in enrolments if enrolment.start <= today]
    if started:
        return started[0]
    return enrolments[-1] if enrolments else None


def target_of(enrolment: Any | None) -> int:
    """The share of education (%) a week should reach."""
    if enrolment is None:
        return int(settings.TRAINEE_EDUCATION_TARGET_PERCENT)
    return int(enrolment.cohort.education_target_percent)


# The split of hours -----------------------------------------------------------------------
def _education_percent(practical: Decimal, education: Decimal) -> int | None:
    total = practical + education
    if not total:
        return None
    return round(education * 100 / total)


@dataclass(frozen=True)
class Split:
    """Hours of practical work and of education against the target share of education."""

    practical: Decimal
    education: Decimal
    target: int

    @property
    def has_hours(self) -> bool:
        return bool(self.practical + self.education)

    @property
    def education_percent(self) -> int | None:
        return _education_percent(self.practical, self.education)

    @property
    def practical_percent(self) -> int | None:
        education = self.education_percent
        return None if education is None else 100 - education

    @property
    def target_practical(self) -> int:
        return 100 - self.target

    @property
    def is_below_target(self) -> bool:
        education = self.education_percent
        return education is not None and education < self.target


def running_split(logs: QuerySet[ProgressLog], target: int) -> Split:
    """The split over all of `logs`, summed by the database in one query."""
    sums = logs.order_by().aggregate(
        practical=Coalesce(Sum("hours_practical"), ZERO),
        education=Coalesce(Sum("hours_education"), ZERO),
    )
    return Split(practical=sums["practical"], education=sums["education"], target=target)


@dataclass(frozen=True)
class LogRow:
    """A log on a list page with the target of its own week's cohort."""

    log: ProgressLog
    target: int

    @property
    def is_below_target(self) -> bool:
        education = self.log.education_percent
        return education is not None and education < self.target


def log_rows(logs: list[ProgressLog], default_target: int) -> list[LogRow]:
    """Rows for logs fetched with `select_related("enrolment__cohort")`."""
    return [
        LogRow(log=log, target=target_of(log.enrolment) if log.enrolment else default_target)
        for log in logs
    ]


# Weeks without a log ----------------------------------------------------------------------
def missing_weeks(
    trainee: User, enrolments: list[Any], today: datetime.date
) -> list[datetime.date]:
    """Mondays of the weeks in the trainee's enrolments, from the week each began up to
    last week, that have no log; newest first. One query (the logged weeks in range)."""
    last_week = monday_of(today) - ONE_WEEK
    ranges = [
        (monday_of(enrolment.start), min(monday_of(enrolment.end), last_week))
        for enrolment in enrolments
    ]
    ranges = [(first, last) for first, last in ranges if first <= last]
    if not ranges:
        return []
    owed: set[datetime.date] = set()
    for first, last in ranges:
        week = first
        while week <= last:
            owed.add(week)
            week += ONE_WEEK
    logged = set(
        ProgressLog.objects.filter(
            trainee=trainee, week__gte=min(owed), week__lte=max(owed)
        ).values_list("week", flat=True)
    )
    return sorted(owed - logged, reverse=True)


# Supervisors' overview --------------------------------------------------------------------
def trainee_overview(trainees: QuerySet[User], today: datetime.date) -> QuerySet[User]:
    """`trainees` with the week of their last log (`last_log_week`) and how many of their
    logs of the last RECENT_WEEKS weeks name blockers (`recent_blocker_logs`), by name.

    Each figure is a subquery per trainee rather than a join grouped over every log:
    PostgreSQL then computes them only for the rows of the page asked for (a GROUP BY
    read all 2.8M logs of a national installation to show 25 trainees)."""
    since = monday_of(today) - ONE_WEEK * (RECENT_WEEKS - 1)
    logs = ProgressLog.objects.filter(trainee=OuterRef("pk"))
    blocked = (
        logs.filter(week__gte=since)
        .exclude(blockers__regex=r"^\s*$")
        .order_by()
        .values("trainee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    overview: QuerySet[User] = trainees.annotate(
        last_log_week=Subquery(logs.order_by("-week").values("week")[:1]),
        recent_blocker_logs=Coalesce(
            Subquery(blocked, output_field=IntegerField()), Value(0), output_field=IntegerField()
        ),
    ).order_by("full_name", "pk")
    return overview
