"""Coaching milestones: the lab gives a trainee milestones with due dates, and the lab
or the trainee marks them done. Every status change goes through `TRANSITIONS`, the
one table of allowed moves; the rest is refused.

Each write is atomic, asks `trainees.access` on the locked row and writes an audit row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Role, User
from labportal.core.services import record_audit
from trainees import access
from trainees.models import Milestone, MilestoneStatus, MilestoneType

S = MilestoneStatus
LAB = access.MILESTONE_LAB
TRAINEE = access.MILESTONE_TRAINEE

# The six types seeded by migration 0003_seed_milestone_types, by their English names.
STANDARD_TYPE_NAMES_EN = (
    "CV reviewed",
    "Cover letter reviewed",
    "Interview training done",
    "Profile on a job site",
    "Reference agreed",
    "Study visit to an employer",
)
# Without a known enrolment, the standard milestones are spread over half a year.
DEFAULT_SPAN = datetime.timedelta(weeks=26)


@dataclass(frozen=True)
class MilestoneTransition:
    """One row: a party in `by` may move a milestone from `source` to `target`.
    Reaching "done" stamps `done_at`; leaving it clears the stamp."""

    source: str
    target: str
    by: frozenset[str]
    label: Any  # lazy text on the button


TRANSITIONS: tuple[MilestoneTransition, ...] = (
    MilestoneTransition(S.PLANNED, S.DONE, frozenset({LAB, TRAINEE}), _("Mark as done")),
    MilestoneTransition(S.PLANNED, S.SKIPPED, frozenset({LAB}), _("Mark as not needed")),
    # A milestone marked done by mistake is reopened, by the lab or its trainee.
    MilestoneTransition(S.DONE, S.PLANNED, frozenset({LAB, TRAINEE}), _("Reopen")),
)


def find_transition(source: str, target: str, party: str | None) -> MilestoneTransition | None:
    for row in TRANSITIONS:
        if row.source == source and row.target == target and party in row.by:
            return row
    return None


def available_transitions(user: Any, milestone: Milestone) -> list[MilestoneTransition]:
    """The status buttons `user` gets for `milestone` now, in the table's order."""
    party = access.milestone_party(user, milestone)
    return [t for t in TRANSITIONS if t.source == milestone.status and party in t.by]


def _cannot_become(source: str, target: str) -> str:
    return gettext("A milestone that is “%(source)s” cannot become “%(target)s”.") % {
        "source": MilestoneStatus(source).label,
        "target": MilestoneStatus(target).label if target in S.values else target,
    }


def _duplicate(trainee: User, milestone_type: MilestoneType) -> ValidationError:
    return ValidationError(
        {
            "type": gettext(
                "%(trainee)s already has the milestone “%(type)s”. Change its due date in "
                "the list instead."
            )
            % {"trainee": trainee, "type": milestone_type.name}
        },
        code="duplicate",
    )


def _require_trainee(trainee: User) -> None:
    if trainee.role != Role.TRAINEE:
        raise ValidationError(gettext("Milestones are for trainees."), code="not_a_trainee")


def _lock_trainee(trainee: User) -> None:
    """Lock the trainee's user row until the transaction ends: two leads giving the
    same trainee milestones at once queue up, and the second sees what the first
    gave (no key update, so rows that merely point at the user are not held up)."""
    list(User.objects.select_for_update(no_key=True).filter(pk=trainee.pk).values_list("pk"))


@transaction.atomic
def add_milestone(
    *,
    actor: User,
    trainee: User,
    milestone_type: MilestoneType,
    due_on: datetime.date | None,
    note: str = "",
) -> Milestone:
    """Give `trainee` a milestone of `milestone_type` (the lab only). One per type and
    trainee: a second is refused with a message on "type", also when two requests race."""
    if not access.can_manage_milestones(actor):
        raise PermissionDenied
    _require_trainee(trainee)
    if not milestone_type.is_active:
        raise ValidationError(
            {"type": gettext("This kind of milestone is no longer in use.")}, code="inactive"
        )
    _lock_trainee(trainee)
    if Milestone.objects.filter(trainee=trainee, type=milestone_type).exists():
        raise _duplicate(trainee, milestone_type)
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                trainee=trainee, type=milestone_type, due_on=due_on, note=note.strip()
            )
    except IntegrityError as error:  # the same milestone added in another request meanwhile
        raise _duplicate(trainee, milestone_type) from error
    record_audit(actor, "milestone.added", milestone, trainee=trainee.pk, type=milestone_type.pk)
    return milestone


def _lock(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().select_related("type").get(pk=milestone.pk)


@transaction.atomic
def update_milestone(
    *, actor: User, milestone: Milestone, due_on: datetime.date | None, note: str
) -> Milestone:
    """Change a milestone's due date and note (the lab only), whatever its status."""
    if not access.can_manage_milestones(actor):
        raise PermissionDenied
    locked = _lock(milestone)
    before = locked.due_on
    locked.due_on = due_on
    locked.note = note.strip()
    locked.save(update_fields=["due_on", "note", "updated_at"])
    record_audit(
        actor,
        "milestone.updated",
        locked,
        due_on_before=before.isoformat() if before else None,
        due_on=due_on.isoformat() if due_on else None,
    )
    return locked


@transaction.atomic
def change_milestone_status(
    *, actor: User, milestone: Milestone, target: str, expected_status: str | None = None
) -> Milestone:
    """Move `milestone` to `target` if the table lets the actor make that move.

    `expected_status` is the status the actor saw; if the row has moved on since, the
    change is refused as stale (code "stale") rather than applied to a state nobody
    looked at. A move the table lacks is refused with a message (code
    "illegal_transition"); a move it has but not for this actor is PermissionDenied.
    Done stamps `done_at`; reopening clears it."""
    locked = _lock(milestone)
    party = access.milestone_party(actor, locked)
    if party is None:
        raise PermissionDenied
    if expected_status is not None and locked.status != expected_status:
        raise ValidationError(
            gettext("The milestone is already “%(status)s”. Look at it again.")
            % {"status": locked.get_status_display()},
            code="stale",
        )
    transition = find_transition(locked.status, target, party)
    if transition is None:
        if any(t.source == locked.status and t.target == target for t in TRANSITIONS):
            raise PermissionDenied
        raise ValidationError(_cannot_become(locked.status, target), code="illegal_transition")
    source = locked.status
    locked.status = target
    locked.done_at = timezone.now() if target == S.DONE else None
    locked.save(update_fields=["status", "done_at", "updated_at"])
    record_audit(actor, "milestone.status_changed", locked, source=source, target=target)
    return locked


def enrolment_period(
    trainee: User, day: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """Start and end of the trainee's enrolment that runs on `day`, if any (read through
    the reverse name: this app does not import `cohorts`)."""
    for enrolment in trainee.enrolments.select_related("cohort").order_by("-pk"):
        if enrolment.start <= day <= enrolment.end:
            return enrolment.start, enrolment.end
    return None


def lacks_standard_milestones(milestones: list[Milestone]) -> bool:
    """Does a trainee with these milestones (types loaded) miss a standard one?"""
    return not set(STANDARD_TYPE_NAMES_EN) <= {m.type.name_en for m in milestones}


@transaction.atomic
def give_standard_milestones(
    *,
    actor: User,
    trainee: User,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> list[Milestone]:
    """Give `trainee` the six standard milestones (those still in use), due at even
    steps between `start_date` and `end_date` (default: the end of the enrolment that
    runs on `start_date`, else half a year on), in the types' order.

    Idempotent: types the trainee already has are left as they are, also when two
    leads give them at once (the trainee's row is locked first, so the second gives
    nothing). Returns the milestones created by this call."""
    if not access.can_manage_milestones(actor):
        raise PermissionDenied
    _require_trainee(trainee)
    _lock_trainee(trainee)
    if end_date is None:
        period = enrolment_period(trainee, start_date)
        end_date = period[1] if period else start_date + DEFAULT_SPAN
    types = list(
        MilestoneType.objects.filter(name_en__in=STANDARD_TYPE_NAMES_EN, is_active=True).order_by(
            "position", "name_sv"
        )
    )
    span = max(end_date - start_date, datetime.timedelta(days=len(types) + 1))
    step = span / (len(types) + 1)
    having = set(Milestone.objects.filter(trainee=trainee).values_list("type_id", flat=True))
    created = Milestone.objects.bulk_create(
        Milestone(trainee=trainee, type=milestone_type, due_on=start_date + step * (index + 1))
        for index, milestone_type in enumerate(types)
        if milestone_type.pk not in having
    )
    if created:
        record_audit(
            actor,
            "milestone.standard_given",
            trainee,
            types=[milestone.type_id for milestone in created],
        )
    return created


@transaction.atomic
def save_milestone_type(*, actor: User, milestone_type: MilestoneType) -> MilestoneType:
    """Add or change a kind of milestone (the lab only). A type in use is retired by
    unticking "in use", never deleted: milestones keep pointing at it."""
    if not access.can_manage_milestone_types(actor):
        raise PermissionDenied
    created = milestone_type.pk is None
    milestone_type.full_clean()
    milestone_type.save()
    record_audit(
        actor, "milestone_type.created" if created else "milestone_type.updated", milestone_type
    )
    return milestone_type
