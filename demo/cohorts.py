"""The demo's cohorts and their plan, made as the lab lead makes them on the cohort
pages and the planning board: through `cohorts.services`, never by writing rows.

Omgång 1 began half a year ago (the trainees' journey in `demo.trainees` needs half a
year of logs) and runs, with the partner company's supervisor named on it, one trainee
who joined late and one on a rotation at the partner company. Omgång 2 recruits
(`demo.applicants`) and starts a few weeks before Omgång 1 ends, so that the board
shows two overlapping cohorts; two trainees are enrolled in it already.

The plan: accepted ideas are assigned to teams of Omgång 1 while `load_demo` makes
them (`plan_step`, one step of the idea's path): two done in the first stretch, one
in progress, one planned, and one in progress whose team changed half-way and which
is handed over to Omgång 2's trainees, from its start, with handover notes
(`finish_plans`). A backlog idea is left for the lead.

Safe to run again: a cohort, enrolment or rotation is made only when missing (a
trainee enrolled anywhere is left alone), a status moves only from "planned", a plan
is made only with its idea, and the team is changed and the work handed over once,
only while the plan is as the demo made it. The demo's plans raise no warnings (a
test checks); they are saved "anyway", so that plans someone made while trying the
demo never stop `make run`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cohorts.models import (
    Assignment,
    AssignmentEvent,
    AssignmentMember,
    AssignmentStatus,
    Cohort,
    CohortStatus,
    Enrolment,
)
from cohorts.services.cohort_enrolments import add_rotation, enrol_trainee
from cohorts.services.cohorts import change_cohort_status, create_cohort, update_cohort
from cohorts.services.planning import assign_idea, update_assignment
from cohorts.services.planning_moves import hand_over, move_assignment
from demo.personas import FRANVARO, GATUBELYSNING, LEKPLATSER, LOKALER
from demo.timing import at
from labportal.accounts.models import Organisation, Role, User
from prototypes.models import Idea, IdeaStatus
from trainees.models import monday_of

ONE_WEEK = datetime.timedelta(weeks=1)
ONE_DAY = datetime.timedelta(days=1)

RUNNING = "Omgång 1"
NEXT = "Omgång 2"
# Omgång 1 began this many weeks ago (on a Monday) and runs this long: over 41 weeks the
# standard milestones fall due every 41 days, so on any weekday the first four are past
# and the fifth is due within the coming days.
RUNNING_SINCE_WEEKS = 28
RUNNING_FOR_WEEKS = 41
# Omgång 2 starts four weeks before Omgång 1 ends and runs nine months.
NEXT_STARTS_IN_WEEKS = RUNNING_FOR_WEEKS - RUNNING_SINCE_WEEKS - 4
NEXT_FOR_WEEKS = 39

# Trainees of Omgång 2; the others are in Omgång 1.
PLANNED_TRAINEES = {"trainee3@demo.labportal.se", "trainee4@demo.labportal.se"}
LATE_JOINER = "trainee8@demo.labportal.se"
JOINED_WEEKS_LATE = 3
# A stint at the partner company: from two weeks ago, four weeks long.
ROTATING = "trainee7@demo.labportal.se"
ROTATION_FROM_WEEKS, ROTATION_WEEKS = -2, 4
ROTATION_NOTE = "Drift av prototyperna i partnerbolagets molnmiljö, med handledaren."

BESOK = "Bokning av besök på äldreboenden"


def _trainee(number: int) -> str:
    return f"trainee{number}@demo.labportal.se"


@dataclass(frozen=True)
class Plan:
    """A team of Omgång 1 (or Omgång 2) on an idea from `starts` weeks after this
    Monday (before it: negative) for `weeks` weeks (None: to the end of the cohort)."""

    team: tuple[str, ...]
    starts: int
    weeks: int | None


PLANS: dict[str, Plan] = {
    # done in the first stretch (see demo.personas); Lekplatser evaluated since
    LEKPLATSER: Plan((_trainee(1), _trainee(5), _trainee(7)), -24, 8),
    FRANVARO: Plan((_trainee(2), _trainee(6), _trainee(8)), -24, 12),
    # in progress since the third stretch of the cohort began (see demo.log_texts)
    GATUBELYSNING: Plan((_trainee(2), _trainee(6)), -8, 12),
    # in progress since the second stretch; handed over to Omgång 2 when it starts
    LOKALER: Plan((_trainee(1), _trainee(6)), -16, None),
    # planned: starts in two weeks
    BESOK: Plan((_trainee(1), _trainee(5)), 2, 6),
}
# Eight weeks ago Lokaler's team changed: one went to Gatubelysning, two joined.
LOKALER_TEAM_LATER = Plan((_trainee(1), _trainee(7), _trainee(8)), -8, None)
HANDOVER = Plan(tuple(sorted(PLANNED_TRAINEES)), NEXT_STARTS_IN_WEEKS, 8)
HANDOVER_NOTES = (
    "Lokalöversikten visar lediga lokaler från bokningssystemets export varje natt. "
    "Kvar att göra: sluttider saknas i exporten (förvaltningen har frågats), och "
    "föreningarnas inloggning. Se README i repot; testdata ligger i mappen fixtures. "
    "Kontakt på förvaltningen: Tove Tekniker."
)


# Cohorts and enrolments ------------------------------------------------------------------
def load_cohorts(
    *,
    users: dict[str, User],
    lead: User,
    supervisor: User,
    host: Organisation,
    partner: Organisation,
    today: datetime.date,
) -> None:
    """Omgång 1 running and Omgång 2 recruiting, with their trainees (see the module)."""
    monday = monday_of(today)
    since = monday - RUNNING_SINCE_WEEKS * ONE_WEEK
    running = _cohort(
        lead,
        RUNNING,
        CohortStatus.RUNNING,
        {
            "organisation": host,
            "served_organisations": [host],
            "starts_on": since,
            "ends_on": since + RUNNING_FOR_WEEKS * ONE_WEEK,
            "capacity": 8,
            "lab_lead": lead,
            "supervisors": [supervisor],
            "notes": "Handledare från Partnerbolaget AB varannan vecka i labbet.",
        },
    )
    changes: dict[str, Any] = {}
    if running.starts_on > since:
        # a demo loaded before the trainees' journey came: half a year of logs needs a
        # cohort that began half a year ago (enrolments on its old start follow it)
        changes["starts_on"] = since
    if not running.supervisors.filter(pk=supervisor.pk).exists():
        changes["supervisors"] = [*running.supervisors.all(), supervisor]
    if changes:
        data = {f: getattr(running, f) for f in ("starts_on", "ends_on", "capacity")}
        running = update_cohort(
            actor=lead,
            cohort=running,
            data=data | changes,
            expected_version=running.version,
        )
    starts = monday + NEXT_STARTS_IN_WEEKS * ONE_WEEK
    following = _cohort(
        lead,
        NEXT,
        CohortStatus.RECRUITING,
        {
            "organisation": host,
            "served_organisations": [host],
            "starts_on": starts,
            "ends_on": starts + NEXT_FOR_WEEKS * ONE_WEEK,
            "capacity": 6,
            "lab_lead": lead,
            "notes": "Fyra veckors överlapp med Omgång 1: pågående prototyper lämnas över.",
        },
    )
    for email, user in users.items():
        if user.role != Role.TRAINEE or Enrolment.objects.filter(trainee=user).exists():
            continue
        if email in PLANNED_TRAINEES:
            enrol_trainee(actor=lead, cohort=following, trainee=user)
        elif email == LATE_JOINER:
            late = running.starts_on + JOINED_WEEKS_LATE * ONE_WEEK
            enrol_trainee(actor=lead, cohort=running, trainee=user, starts_on=late)
        else:
            enrol_trainee(actor=lead, cohort=running, trainee=user)
    enrolment = Enrolment.objects.filter(cohort=running, trainee__email=ROTATING).first()
    if enrolment is not None and not enrolment.rotations.exists():
        rotation_starts = max(monday + ROTATION_FROM_WEEKS * ONE_WEEK, enrolment.starts_on)
        add_rotation(
            actor=lead,
            enrolment=enrolment,
            organisation=partner,
            starts_on=rotation_starts,
            ends_on=min(rotation_starts + ROTATION_WEEKS * ONE_WEEK - ONE_DAY, enrolment.ends_on),
            note=ROTATION_NOTE,
        )


def _cohort(lead: User, name: str, status: str, data: dict[str, Any]) -> Cohort:
    """The cohort called `name`, made if missing and moved on from "planned"."""
    cohort = Cohort.objects.filter(name=name).first()
    if cohort is None:
        cohort = create_cohort(actor=lead, data={"name": name, **data})
    if cohort.status == CohortStatus.PLANNED and status != CohortStatus.PLANNED:
        cohort = change_cohort_status(
            actor=lead, cohort=cohort, target=status, expected_status=CohortStatus.PLANNED
        )
    return cohort


# The plan ------------------------------------------------------------------------------
def _team(cohort: Cohort, plan: Plan) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(cohort=cohort, trainee__email__in=plan.team)
        .select_related("trainee")
        .order_by("pk")
    )


def _period(
    cohort: Cohort, plan: Plan, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The plan's dates, within the cohort's."""
    starts = max(monday_of(today) + plan.starts * ONE_WEEK, cohort.starts_on)
    if plan.weeks is None:
        return starts, cohort.ends_on
    return starts, min(starts + plan.weeks * ONE_WEEK - ONE_DAY, cohort.ends_on)


def plan_step(*, lead: User, idea: Idea, target: str, today: datetime.date) -> None:
    """Move a planned idea (one of PLANS) as the board does: assign it to its team of
    Omgång 1 (the idea becomes "planned"), start the work (it becomes "in progress")
    or mark it done (it becomes "delivered"). Called by `load_demo` in the idea's
    path, so that its history moves back in time with the idea's."""
    plan = PLANS[idea.title]
    if target == IdeaStatus.PLANNED:
        cohort = Cohort.objects.get(name=RUNNING)
        starts_on, ends_on = _period(cohort, plan, today)
        assign_idea(
            actor=lead,
            idea=idea,
            cohort=cohort,
            team=_team(cohort, plan),
            starts_on=starts_on,
            ends_on=ends_on,
            assign_anyway=True,  # see the module
        )
        return
    source, step = {
        IdeaStatus.IN_PROGRESS: (AssignmentStatus.PLANNED, AssignmentStatus.IN_PROGRESS),
        IdeaStatus.DELIVERED: (AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE),
    }[IdeaStatus(target)]
    assignment = Assignment.objects.get(idea=idea, status=source)
    move_assignment(
        actor=lead, assignment=assignment, target=step, expected_version=assignment.version
    )


def work_days(title: str, target: str) -> int | None:
    """How long the team of a planned idea worked before it was done (None: not one)."""
    plan = PLANS.get(title)
    if target != IdeaStatus.DELIVERED or plan is None or plan.weeks is None:
        return None
    return plan.weeks * 7


def finish_plans(*, lead: User, today: datetime.date) -> None:
    """Lokaler's team changes (eight weeks ago), then the lead hands the work over to
    Omgång 2's trainees from its start. Nothing unless Lokaler's plan is as `plan_step`
    left it: not when this was done, when someone trying the demo changed the plan, or
    when Lokaler was made before the planning board came (it has no plan then)."""
    old = (
        Assignment.objects.filter(
            idea__title=LOKALER, cohort__name=RUNNING, status=AssignmentStatus.IN_PROGRESS
        )
        .select_related("cohort")
        .first()
    )
    following = Cohort.objects.filter(name=NEXT).first()
    if old is None or following is None:
        return
    if list(old.events.values_list("kind", flat=True)) != ["planned", "started"]:
        return
    before = set(old.memberships.values_list("pk", flat=True))
    old = update_assignment(
        actor=lead,
        assignment=old,
        team=_team(old.cohort, LOKALER_TEAM_LATER),
        starts_on=old.starts_on,
        ends_on=old.ends_on,
        expected_version=old.version,
        assign_anyway=True,
    )
    changed = at(monday_of(today) + LOKALER_TEAM_LATER.starts * ONE_WEEK, 9)
    AssignmentEvent.objects.filter(assignment=old, kind="changed").update(created_at=changed)
    AssignmentMember.objects.filter(assignment=old).exclude(pk__in=before).update(
        created_at=changed
    )
    team = _team(following, HANDOVER)
    if not team:
        return
    starts_on, ends_on = _period(following, HANDOVER, today)
    hand_over(
        actor=lead,
        assignment=old,
        cohort=following,
        team=team,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=HANDOVER_NOTES,
        expected_version=old.version,
        assign_anyway=True,
    )


def prototypes_by_week(trainee: User) -> list[tuple[Idea, datetime.date, datetime.date]]:
    """The ideas `trainee` is on a team of, each from when they joined it (the plan's
    start, or later) to the plan's end: a weekly log of theirs names these."""
    work = []
    for member in AssignmentMember.objects.filter(enrolment__trainee=trainee).select_related(
        "assignment__idea"
    ):
        assignment = member.assignment
        joined = max(assignment.starts_on, timezone.localdate(member.created_at))
        work.append((assignment.idea, joined, assignment.ends_on))
    return work
