"""Planning writes: assigning an accepted idea to a cohort and a team, and changing the
team or dates of an assignment. Moves and handovers: `cohorts.services.planning_moves`.

Invariants every write here keeps:

- Only the lab plans (`cohorts.access.can_plan`), judged again on the locked rows.
- One transaction each; nothing is half-saved. Rows are locked in one fixed order —
  the idea, the assignment, the cohort, then the team's enrolments by primary key —
  so two leads planning at once queue up instead of deadlocking, and the second
  judges the load and room the first left behind.
- An idea is assigned only while "accepted" and ready to plan; assigning moves it to
  "planned" through the ideas' workflow (`apply_transition`, which emails the
  submitter). An idea has at most one active assignment: the database's partial
  unique constraint `assignment_one_active_per_idea` is the last word.
- The team are enrolments of the assignment's cohort, not left early, overlapping
  the period. The warnings of `cohorts.matching.plan_warnings` (overbooking, too
  little time, the cohort's room, the period outside an enrolment) refuse the plan
  (`PlanningWarnings`) unless the lead chose to assign anyway; the warnings passed
  over are kept in the history.
- An edit names the version it was based on; an older one is refused ("conflict").
- Every write leaves an AssignmentEvent and an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cohorts import access, matching
from cohorts.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentEvent,
    AssignmentMember,
    AssignmentStatus,
    Cohort,
    Enrolment,
)
from cohorts.services.planning_match import load_match
from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.models import Idea, IdeaStatus
from prototypes.services.concurrency import lock_idea
from prototypes.services.status import apply_transition


class PlanningWarnings(ValidationError):
    """The plan is possible but warned against; `warnings` say why. Sent again with
    "assign anyway", it is saved."""

    def __init__(self, warnings: list[matching.Warning]) -> None:
        super().__init__([w.message for w in warnings], code="warnings")
        self.warnings = warnings


def _date(day: datetime.date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def describe(assignment: Assignment) -> str:
    """The cohort and the planned dates, for messages."""
    return _("%(cohort)s, %(start)s – %(end)s") % {  # noqa: RUF001
        "cohort": assignment.cohort.name,
        "start": _date(assignment.starts_on),
        "end": _date(assignment.ends_on),
    }


def check_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")}, code="dates")


def lock_cohort(cohort: Cohort) -> Cohort:
    locked: Cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    return locked


def lock_team(cohort: Cohort, enrolments: Sequence[Enrolment]) -> list[Enrolment]:
    """The team's enrolment rows, locked in primary-key order (after the cohort's), so
    that two leads choosing the same trainee queue up and the second sees the first's
    assignment when it judges the load. Refuses an empty team, an enrolment of another
    cohort and a trainee who left early."""
    if not enrolments:
        raise ValidationError({"team": _("Choose at least one trainee.")}, code="team")
    locked = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(pk__in=[e.pk for e in enrolments])
        .select_related("trainee")
        .order_by("pk")
    )
    for enrolment in locked:
        name = enrolment.trainee.display_name
        if enrolment.cohort_id != cohort.pk:
            raise ValidationError(
                {
                    "team": _("%(name)s is not enrolled in %(cohort)s.")
                    % {"name": name, "cohort": cohort.name}
                },
                code="team",
            )
        if enrolment.left_early:
            raise ValidationError(
                {"team": _("%(name)s has left the programme.") % {"name": name}}, code="team"
            )
    return locked


def judge_plan(
    cohort: Cohort,
    team: Sequence[Enrolment],
    period: matching.Period,
    *,
    size_weeks: int | None,
    exclude_assignment_id: int | None = None,
) -> list[matching.Warning]:
    """The warnings against this team in this period for `size_weeks` of work (the
    idea's size, or what is left of it; None: unknown), read after the locks."""
    if period.overlap_days(cohort.starts_on, cohort.ends_on) == 0:
        raise ValidationError(
            {
                "starts_on": _("%(cohort)s does not run in this period (%(start)s – %(end)s).")  # noqa: RUF001
                % {
                    "cohort": cohort.name,
                    "start": _date(cohort.starts_on),
                    "end": _date(cohort.ends_on),
                }
            },
            code="dates",
        )
    data = load_match(
        needs=[],
        period=period,
        cohort_ids=[cohort.pk],
        exclude_assignment_id=exclude_assignment_id,
    )
    chosen = {e.pk for e in team}
    members = [c for c in data.candidates if c.enrolment_id in chosen]
    outside = [e for e in team if e.pk not in {m.enrolment_id for m in members}]
    if outside:
        raise ValidationError(
            {
                "team": _("%(name)s is not enrolled during this period.")
                % {"name": outside[0].trainee.display_name}
            },
            code="team",
        )
    room = matching.cohort_room(_info(cohort), data.candidates, data.work, period)
    return matching.plan_warnings(
        members,
        period,
        size_weeks=size_weeks,
        cohort_name=cohort.name,
        room_weeks=room,
        limit=matching.max_parallel(),
    )


def _info(cohort: Cohort) -> matching.CohortInfo:
    return matching.CohortInfo(
        cohort.pk,
        cohort.name,
        cohort.capacity,
        cohort.starts_on,
        cohort.ends_on,
        cohort.education_target_percent,
    )


def warning_note(warnings: Sequence[matching.Warning]) -> str:
    if not warnings:
        return ""
    return _("Assigned despite the warnings:") + "\n" + "\n".join(w.message for w in warnings)


def team_names(team: Sequence[Enrolment]) -> list[str]:
    return sorted(e.trainee.display_name for e in team)


def plan_blocker(idea: Idea) -> str | None:
    """Why this idea cannot be assigned now, naming its current plan or its status;
    None if it can."""
    current = (
        Assignment.objects.filter(idea=idea, status__in=ACTIVE_ASSIGNMENT)
        .select_related("cohort")
        .first()
    )
    if current is not None:
        return _("“%(title)s” is already planned: %(plan)s.") % {
            "title": idea.title,
            "plan": describe(current),
        }
    if idea.status != IdeaStatus.ACCEPTED:
        return _("“%(title)s” is “%(status)s”: only accepted ideas can be planned.") % {
            "title": idea.title,
            "status": idea.get_status_display(),
        }
    if not idea.ready_to_plan:
        return _("“%(title)s” is not marked ready to plan: assess it first.") % {
            "title": idea.title
        }
    return None


def _planned_note(idea: Idea, assignment: Assignment, team: Sequence[Enrolment]) -> str:
    """The note on the idea's "planned" event, in the submitter's language (it is in
    their email): the cohort, the dates and the team."""
    with translation.override(idea.submitted_by.language or None):
        return _("%(plan)s. Team: %(team)s.") % {
            "plan": describe(assignment),
            "team": ", ".join(team_names(team)),
        }


@transaction.atomic
def assign_idea(
    *,
    actor: User,
    idea: Idea,
    cohort: Cohort,
    team: Sequence[Enrolment],
    starts_on: datetime.date,
    ends_on: datetime.date,
    assign_anyway: bool = False,
) -> Assignment:
    """Plan `idea` with `team` (enrolments of `cohort`) from `starts_on` to `ends_on`
    and move the idea to "planned". Refused: anyone but the lab; an idea not accepted
    or not ready (naming its status) or already planned (naming its plan); an empty
    team or one outside the cohort or the period; warnings (`PlanningWarnings`)
    unless `assign_anyway`."""
    if not access.can_plan(actor):
        raise PermissionDenied
    locked = lock_idea(idea)
    if not access.can_plan(actor):  # pragma: no cover - roles do not change mid-request
        raise PermissionDenied
    blocker = plan_blocker(locked)
    if blocker is not None:
        raise ValidationError(blocker, code="not_plannable")
    check_dates(starts_on, ends_on)
    locked_cohort = lock_cohort(cohort)
    members = lock_team(locked_cohort, team)
    period = matching.Period(starts_on, ends_on)
    warnings = judge_plan(locked_cohort, members, period, size_weeks=locked.size_weeks)
    if warnings and not assign_anyway:
        raise PlanningWarnings(warnings)
    assignment = create_assignment(
        actor=actor,
        idea=locked,
        cohort=locked_cohort,
        period=(starts_on, ends_on),
        status=AssignmentStatus.PLANNED,
        members=members,
        kind="planned",
        note=warning_note(warnings),
        warnings=warnings,
    )
    apply_transition(
        actor,
        locked,
        IdeaStatus.PLANNED,
        note=_planned_note(locked, assignment, members),
        offered_only=False,
    )
    idea.status, idea.version = locked.status, locked.version
    return assignment


def create_assignment(
    *,
    actor: User,
    idea: Idea,
    cohort: Cohort,
    period: tuple[datetime.date, datetime.date],
    status: str,
    members: Sequence[Enrolment],
    kind: str,
    note: str,
    warnings: Sequence[matching.Warning],
    continues: Assignment | None = None,
    handover_notes: str = "",
) -> Assignment:
    """A new plan with its team, its first history line and its audit row; inside the
    caller's transaction, on rows the caller locked. A second active plan for the
    idea (one made in the admin, which the status did not show) is refused."""
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                idea=idea,
                cohort=cohort,
                starts_on=period[0],
                ends_on=period[1],
                status=status,
                continues=continues,
                handover_notes=handover_notes,
                created_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("“%(title)s” already has an active plan.") % {"title": idea.title},
            code="already_planned",
        ) from error
    AssignmentMember.objects.bulk_create(
        AssignmentMember(assignment=assignment, enrolment=e) for e in members
    )
    AssignmentEvent.objects.create(
        assignment=assignment, actor=actor, kind=kind, to_status=status, note=note
    )
    record_audit(
        actor,
        "assignment.created",
        assignment,
        idea=idea.pk,
        continues=continues.pk if continues else None,
        team=[e.pk for e in members],
        warnings=[w.code for w in warnings],
    )
    return assignment


def lock_assignment(assignment: Assignment, expected_version: int) -> Assignment:
    locked: Assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("cohort", "idea")
        .get(pk=assignment.pk)
    )
    if locked.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this assignment while you were editing it. Your "
                "choices are still in the form: look at the assignment again, then save."
            ),
            code="conflict",
        )
    return locked


@transaction.atomic
def update_assignment(
    *,
    actor: User,
    assignment: Assignment,
    team: Sequence[Enrolment],
    starts_on: datetime.date,
    ends_on: datetime.date,
    expected_version: int,
    assign_anyway: bool = False,
) -> Assignment:
    """Change the team (enrolments of the same cohort) and dates of an active
    assignment, judged like a new plan without the assignment itself."""
    if not access.can_plan(actor):
        raise PermissionDenied
    locked = lock_assignment(assignment, expected_version)
    if not access.can_change_assignment(actor, locked):
        raise ValidationError(
            _("A “%(status)s” assignment cannot be changed.")
            % {"status": locked.get_status_display()},
            code="closed",
        )
    check_dates(starts_on, ends_on)
    cohort = lock_cohort(locked.cohort)
    members = lock_team(cohort, team)
    warnings = judge_plan(
        cohort,
        members,
        matching.Period(starts_on, ends_on),
        size_weeks=locked.idea.size_weeks,
        exclude_assignment_id=locked.pk,
    )
    if warnings and not assign_anyway:
        raise PlanningWarnings(warnings)
    before = set(locked.memberships.values_list("enrolment_id", flat=True))
    after = {e.pk for e in members}
    changes = []
    if (locked.starts_on, locked.ends_on) != (starts_on, ends_on):
        changes.append(
            _("Dates: %(start)s – %(end)s.") % {"start": _date(starts_on), "end": _date(ends_on)}  # noqa: RUF001
        )
    if before != after:
        changes.append(_("Team: %(team)s.") % {"team": ", ".join(team_names(members))})
    if not changes:
        return locked
    locked.memberships.filter(enrolment_id__in=before - after).delete()
    AssignmentMember.objects.bulk_create(
        AssignmentMember(assignment=locked, enrolment=e) for e in members if e.pk not in before
    )
    locked.starts_on, locked.ends_on = starts_on, ends_on
    locked.version += 1
    locked.save(update_fields=["starts_on", "ends_on", "version", "updated_at"])
    note = "\n".join([*changes, warning_note(warnings)]).strip()
    AssignmentEvent.objects.create(assignment=locked, actor=actor, kind="changed", note=note)
    record_audit(
        actor,
        "assignment.updated",
        locked,
        team=sorted(after),
        warnings=[w.code for w in warnings],
    )
    return locked
