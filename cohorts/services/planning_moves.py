"""An assignment's status moves (`cohorts.workflow.ASSIGNMENT_MOVES`) and handovers.

The idea follows its active assignment through the ideas' workflow (one path for
status changes, `prototypes.services.status.apply_transition`, which emails the
submitter):

- start work (planned → in progress): the idea planned → in progress;
- done (in progress → done): the idea in progress → delivered, which asks the
  department to evaluate it (the work of the team is what is delivered);
- handover (in progress → handed over): another assignment in another cohort
  continues the old one (`continues`): in progress at once, or planned when its team
  starts later (then "start work" starts it); the idea stays in progress; the new
  team is judged like a plan, for what is left of the idea's size (the share of the
  old plan not yet behind it);
- cancel (planned → cancelled, with a reason): the idea goes back to "accepted" and
  to the backlog; not a plan that continues handed-over work (the idea is in
  progress: that plan is changed, not cancelled);
- the idea archived: its active assignment is cancelled with it (`end_with_idea`,
  called by `cohorts.receivers` inside the archiving transaction).

If the idea is already where the move would take it (starting a plan that continues
handed-over work), the assignment moves alone. Rows are locked in the order of
`cohorts.services.planning`: the idea, the assignment, the cohort, the enrolments.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts import access, matching, workflow
from cohorts.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    Cohort,
    Enrolment,
)
from cohorts.services.planning import (
    PlanningWarnings,
    check_dates,
    create_assignment,
    judge_plan,
    lock_assignment,
    lock_cohort,
    lock_team,
    warning_note,
)
from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.models import Idea, IdeaStatus
from prototypes.services.concurrency import lock_idea
from prototypes.services.status import apply_transition

S = AssignmentStatus
# The moves the move page makes, and where each takes the idea.
IDEA_FOLLOWS: dict[tuple[str, str], str] = {
    (S.PLANNED, S.IN_PROGRESS): IdeaStatus.IN_PROGRESS,
    (S.IN_PROGRESS, S.DONE): IdeaStatus.DELIVERED,
}
EVENT_KIND: dict[str, str] = {S.IN_PROGRESS: "started", S.DONE: "done", S.CANCELLED: "cancelled"}
# The idea's statuses at or beyond each target (then the idea is not moved again).
IDEA_REACHED: dict[str, set[str]] = {
    IdeaStatus.IN_PROGRESS: {IdeaStatus.IN_PROGRESS},
    IdeaStatus.DELIVERED: {IdeaStatus.DELIVERED, IdeaStatus.EVALUATED},
}


def label_of(status: str) -> str:
    return str(AssignmentStatus(status).label)


def offered_moves(assignment: Assignment) -> list[workflow.Move]:
    """The buttons of the assignment page: the table's rows this service makes."""
    return [
        move
        for move in workflow.moves_from(workflow.ASSIGNMENT_MOVES, assignment.status)
        if (move.source, move.target) in IDEA_FOLLOWS
    ]


@transaction.atomic
def move_assignment(
    *, actor: User, assignment: Assignment, target: str, expected_version: int, note: str = ""
) -> Assignment:
    """Start or finish an assignment, moving its idea along (see the module)."""
    if not access.can_plan(actor):
        raise PermissionDenied
    idea = lock_idea(assignment.idea)
    locked = lock_assignment(assignment, expected_version)
    move = workflow.require(workflow.ASSIGNMENT_MOVES, locked.status, target, label_of)
    idea_target = IDEA_FOLLOWS.get((move.source, move.target))
    if idea_target is None:
        if move.target == S.HANDED_OVER:
            message = _("Hand the assignment over on its handover page.")
        else:
            message = _("Cancel the plan on its own page, with a reason.")
        raise ValidationError(message, code="not_offered")
    note = workflow.check_note(move, note)
    locked.status = target
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    AssignmentEvent.objects.create(
        assignment=locked,
        actor=actor,
        kind=EVENT_KIND[target],
        from_status=move.source,
        to_status=target,
        note=note,
    )
    record_audit(actor, "assignment.moved", locked, source=move.source, target=target)
    if idea.status not in IDEA_REACHED[idea_target]:
        apply_transition(actor, idea, idea_target, note=note, offered_only=False)
    assignment.status, assignment.version = locked.status, locked.version
    return locked


def _cancel(locked: Assignment, actor: User, source: str, note: str) -> None:
    locked.status = S.CANCELLED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    AssignmentEvent.objects.create(
        assignment=locked,
        actor=actor,
        kind=EVENT_KIND[S.CANCELLED],
        from_status=source,
        to_status=S.CANCELLED,
        note=note,
    )
    record_audit(actor, "assignment.cancelled", locked, source=source)


@transaction.atomic
def cancel_assignment(
    *, actor: User, assignment: Assignment, expected_version: int, reason: str
) -> Assignment:
    """Cancel a plan before its work began: the idea goes back to "accepted" (its
    department is told the reason) and can be planned again."""
    if not access.can_plan(actor):
        raise PermissionDenied
    idea = lock_idea(assignment.idea)
    locked = lock_assignment(assignment, expected_version)
    move = workflow.require(workflow.ASSIGNMENT_MOVES, locked.status, S.CANCELLED, label_of)
    if not access.can_cancel_assignment(actor, locked):
        if locked.continues_id is not None:
            message = _(
                "This plan continues work that was handed over, and the idea is in "
                "progress: change the team or the dates instead."
            )
        else:
            message = _("Only a plan whose work has not started can be cancelled.")
        raise ValidationError(message, code="not_cancellable")
    reason = workflow.check_note(move, reason)
    _cancel(locked, actor, move.source, reason)
    apply_transition(actor, idea, IdeaStatus.ACCEPTED, note=reason, offered_only=False)
    assignment.status, assignment.version = locked.status, locked.version
    return locked


def end_with_idea(*, idea: Idea, actor: User, note: str) -> None:
    """The idea was archived (inside that transaction, the idea locked): its active
    assignment, if any, is cancelled with it, so that no team stays on it."""
    locked = (
        Assignment.objects.select_for_update()
        .filter(idea=idea, status__in=ACTIVE_ASSIGNMENT)
        .first()
    )
    if locked is None:
        return
    move = workflow.require(workflow.ASSIGNMENT_MOVES, locked.status, S.CANCELLED, label_of)
    text = "\n".join([_("The idea was archived."), note]).strip()
    _cancel(locked, actor, move.source, text)


def remaining_weeks(
    size_weeks: int | None, old: Assignment, starts_on: datetime.date
) -> int | None:
    """What is left of the idea's size when the next team starts: the share of the old
    plan not yet behind it (None when unknown or the old plan is over)."""
    if not size_weeks:
        return None
    days = (old.ends_on - old.starts_on).days + 1
    left = min(max((old.ends_on - starts_on).days + 1, 0), days)
    return math.ceil(size_weeks * left / days) or None


@transaction.atomic
def hand_over(
    *,
    actor: User,
    assignment: Assignment,
    cohort: Cohort,
    team: Sequence[Enrolment],
    starts_on: datetime.date,
    ends_on: datetime.date,
    notes: str,
    expected_version: int,
    assign_anyway: bool = False,
) -> Assignment:
    """Hand work in progress over to `team` of another cohort: the old assignment
    becomes "handed over", a new one continues it with the notes (in progress, or
    planned until its start), the idea stays in progress. Refused like a new plan
    (team, period, warnings), and without notes or within the same cohort."""
    if not access.can_plan(actor):
        raise PermissionDenied
    idea = lock_idea(assignment.idea)
    old = lock_assignment(assignment, expected_version)
    move = workflow.require(workflow.ASSIGNMENT_MOVES, old.status, S.HANDED_OVER, label_of)
    if idea.status != IdeaStatus.IN_PROGRESS:
        raise ValidationError(
            _("The idea is “%(status)s”: only work in progress is handed over.")
            % {"status": idea.get_status_display()},
            code="idea_status",
        )
    notes = notes.strip()
    if not notes:
        raise ValidationError(
            {"handover_notes": _("Write what the next team needs to know.")}, code="notes"
        )
    if cohort.pk == old.cohort_id:
        raise ValidationError(
            {
                "cohort": _(
                    "Hand over to trainees of another cohort; to change this team, edit "
                    "the assignment."
                )
            },
            code="same_cohort",
        )
    check_dates(starts_on, ends_on)
    new_cohort = lock_cohort(cohort)
    members = lock_team(new_cohort, team)
    warnings = judge_plan(
        new_cohort,
        members,
        matching.Period(starts_on, ends_on),
        size_weeks=remaining_weeks(idea.size_weeks, old, starts_on),
        exclude_assignment_id=old.pk,
    )
    if warnings and not assign_anyway:
        raise PlanningWarnings(warnings)

    # The new team works on it from its first day: until then the plan waits.
    status = S.IN_PROGRESS if starts_on <= timezone.localdate() else S.PLANNED
    old.status = S.HANDED_OVER
    old.version += 1
    old.save(update_fields=["status", "version", "updated_at"])
    AssignmentEvent.objects.create(
        assignment=old,
        actor=actor,
        kind="handed_over",
        from_status=move.source,
        to_status=S.HANDED_OVER,
        note=_("Handed over to %(cohort)s.") % {"cohort": new_cohort.name} + "\n" + notes,
    )
    new = create_assignment(
        actor=actor,
        idea=idea,
        cohort=new_cohort,
        period=(starts_on, ends_on),
        status=status,
        members=members,
        kind="continued",
        note="\n".join(
            [
                _("Continues the work of %(cohort)s.") % {"cohort": old.cohort.name},
                warning_note(warnings),
            ]
        ).strip(),
        warnings=warnings,
        continues=old,
        handover_notes=notes,
    )
    record_audit(actor, "assignment.handed_over", old, to=new.pk)
    assignment.status, assignment.version = old.status, old.version
    return new
