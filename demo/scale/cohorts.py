"""Cohorts over ten years (overlapping, of several lengths), the trainees and their
enrolments: one each, and a second, later one for some; never two at once."""

from __future__ import annotations

import bisect
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cohorts.models import CohortStatus
from demo.scale.people import write_users
from demo.scale.sizes import rng_for
from demo.scale.texts import person_name
from demo.scale.world import CohortRow, EnrolmentRow, World
from labportal.accounts.models import Role
from trainees.models import monday_of

# Weeks a cohort runs: six months to eighteen, a year most often.
LENGTHS = (26, 39, 52, 52, 60, 65, 78)
LEFT_EARLY = 0.08
JOINED_LATE = 0.03
SECOND_ENROLMENT = 0.05
# Days between the end of one enrolment and the start of the next, at least.
GAP_DAYS = 14
RECRUITING_DAYS = 150


def _starts(world: World) -> list[date]:
    rng = rng_for(world.seed, "cohort-dates")
    today, first_day = world.clock.today, world.clock.first_day
    n = world.sizes.cohorts
    span = (today - timedelta(weeks=10) - first_day).days
    days = []
    for _ in range(n - 2):
        if n >= 50 and rng.random() < 0.02:
            days.append(today + timedelta(days=rng.randrange(30, 300)))
        else:
            days.append(first_day + timedelta(days=rng.randrange(span)))
    # at least one running and one recruiting, whatever the size
    days.append(today - timedelta(weeks=rng.randrange(8, 20)))
    days.append(today + timedelta(days=rng.randrange(60, 120)))
    return sorted(monday_of(day) + timedelta(weeks=1) for day in days)


def _status(today: date, starts_on: date, ends_on: date) -> str:
    if ends_on < today:
        return CohortStatus.FINISHED
    if starts_on <= today:
        return CohortStatus.RUNNING
    if (starts_on - today).days <= RECRUITING_DAYS:
        return CohortStatus.RECRUITING
    return CohortStatus.PLANNED


def load_cohorts(world: World) -> None:
    rng = rng_for(world.seed, "cohorts")
    loader, today = world.loader, world.clock.today
    first = loader.reserve("cohorts_cohort", world.sizes.cohorts)
    for n, starts_on in enumerate(_starts(world)):
        host = world.municipalities[rng.randrange(len(world.municipalities))]
        ends_on = starts_on + timedelta(weeks=rng.choice(LENGTHS), days=-3)
        world.cohorts.append(
            CohortRow(
                id=first + n,
                host=host,
                starts_on=starts_on,
                ends_on=ends_on,
                status=_status(today, starts_on, ends_on),
                lead=rng.choice(world.leads_for(host)),
                supervisor=rng.choice(world.supervisors),
            )
        )
    _load_trainees(world)
    rows = []
    for n, cohort in enumerate(world.cohorts):
        enrolled = len(world.enrolments_of_cohort.get(cohort.id, ()))
        created = datetime.combine(cohort.starts_on - timedelta(days=120), time(9), tzinfo=UTC)
        created = min(created, world.clock.now - timedelta(days=1))
        rows.append(
            (
                cohort.id,
                created,
                created,
                f"Omgång {n + 1} ({cohort.starts_on:%Y-%m}, {cohort.host})",
                cohort.starts_on,
                cohort.ends_on,
                cohort.lead,
                cohort.host,
                20,
                "Sök till labbets nästa omgång!"
                if cohort.status == CohortStatus.RECRUITING
                else "",
                min(500, max(12, enrolled)),
                "",
                cohort.status,
                1,
            )
        )
    loader.copy(
        "cohorts_cohort",
        [
            "id",
            "created_at",
            "updated_at",
            "name",
            "starts_on",
            "ends_on",
            "lab_lead_id",
            "organisation_id",
            "education_target_percent",
            "application_intro",
            "capacity",
            "notes",
            "status",
            "version",
        ],
        rows,
    )
    loader.copy(
        "cohorts_cohort_supervisors",
        ("cohort_id", "user_id"),
        ((cohort.id, cohort.supervisor) for cohort in world.cohorts),
    )
    loader.copy(
        "cohorts_enrolment",
        [
            "id",
            "created_at",
            "updated_at",
            "cohort_id",
            "trainee_id",
            "starts_on",
            "ends_on",
            "leave_reason",
            "left_early",
            "version",
        ],
        _enrolment_rows(world),
    )


def _enrolment_rows(world: World) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for e in world.enrolments:
        created = datetime.combine(e.cohort.starts_on - timedelta(days=14), time(10), tzinfo=UTC)
        reason = "Fick ett jobb innan omgången var slut." if e.left_early else ""
        rows.append(
            (
                e.id,
                created,
                created,
                e.cohort.id,
                e.trainee,
                e.starts_on,
                e.ends_on,
                reason,
                e.left_early,
                1,
            )
        )
    return rows


def _load_trainees(world: World) -> None:
    rng = rng_for(world.seed, "trainees")
    today = world.clock.today
    started = [c for c in world.cohorts if c.starts_on <= today]
    started_starts = [c.starts_on for c in started]
    count = world.sizes.trainees
    # (trainee index, cohort, starts, ends, left early), in the trainee's order of time
    plans: list[list[tuple[CohortRow, date, date, bool]]] = []
    for t in range(count):
        cohort = started[(t * 7919) % len(started)] if len(started) > 1 else started[0]
        starts_on, ends_on, left = cohort.starts_on, cohort.ends_on, False
        if rng.random() < JOINED_LATE:
            starts_on += timedelta(weeks=rng.randrange(1, 4))
        if cohort.ends_on < today and rng.random() < LEFT_EARLY:
            weeks = (cohort.ends_on - starts_on).days // 7
            ends_on = starts_on + timedelta(weeks=rng.randrange(4, max(5, weeks - 2)), days=4)
            left = ends_on < cohort.ends_on
        plan = [(cohort, starts_on, ends_on, left)]
        if rng.random() < SECOND_ENROLMENT:
            later = bisect.bisect_left(started_starts, ends_on + timedelta(days=GAP_DAYS))
            if later < len(started):
                again = started[rng.randrange(later, len(started))]
                plan.append((again, again.starts_on, again.ends_on, False))
        plans.append(plan)

    people = []
    for plan in plans:
        cohort, starts_on = plan[0][0], plan[0][1]
        joined = datetime.combine(starts_on - timedelta(days=14), time(9), tzinfo=UTC)
        people.append((Role.TRAINEE, person_name(rng), cohort.host, None, joined))
    world.trainees = write_users(world, people)

    first = world.loader.reserve("cohorts_enrolment", sum(len(plan) for plan in plans))
    for trainee, plan in zip(world.trainees, plans, strict=True):
        for cohort, starts_on, ends_on, left in plan:
            enrolment = EnrolmentRow(
                first + len(world.enrolments), cohort, trainee, starts_on, ends_on, left
            )
            world.enrolments.append(enrolment)
            world.enrolments_of_cohort.setdefault(cohort.id, []).append(enrolment)


class CohortFinder:
    """The cohorts running on a day (by month), to put a plan in one of them."""

    def __init__(self, cohorts: list[CohortRow]) -> None:
        self.by_start = sorted(cohorts, key=lambda c: c.starts_on)
        self.starts = [c.starts_on for c in self.by_start]
        self.by_month: dict[tuple[int, int], list[CohortRow]] = {}
        for cohort in cohorts:
            day = cohort.starts_on.replace(day=1)
            while day <= cohort.ends_on:
                self.by_month.setdefault((day.year, day.month), []).append(cohort)
                day = (day + timedelta(days=32)).replace(day=1)

    def find(self, rng: random.Random, day: date, host: int) -> CohortRow:
        running = [
            c
            for c in self.by_month.get((day.year, day.month), ())
            if c.starts_on <= day <= c.ends_on
        ]
        own = [c for c in running if c.host == host]
        if own or running:
            return rng.choice(own or running)
        after = bisect.bisect_left(self.starts, day)
        return self.by_start[min(after, len(self.by_start) - 1)]
