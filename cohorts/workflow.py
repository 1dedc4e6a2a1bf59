"""The statuses of cohorts, applicants and assignments as explicit tables: which status
may follow which, what the move is called and whether it needs a note. Every status
change in this app goes through `find` (the services apply a row and refuse the rest).
Only the lab moves these statuses (`cohorts.access`), so the tables name no party."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import ApplicantStatus, AssignmentStatus, CohortStatus, RoleStatus


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: Any  # lazy text on the button
    note_required: bool = False
    note_missing: Any = ""
    is_destructive: bool = False


C = CohortStatus
COHORT_MOVES: tuple[Move, ...] = (
    Move(C.PLANNED, C.RECRUITING, _("Open for applications")),
    Move(C.RECRUITING, C.PLANNED, _("Close the application page")),
    Move(C.PLANNED, C.RUNNING, _("Start the cohort")),
    Move(C.RECRUITING, C.RUNNING, _("Start the cohort")),
    Move(C.RUNNING, C.FINISHED, _("Finish the cohort"), is_destructive=True),
)

A = ApplicantStatus
DECLINE_NOTE = _("Give a reason: it is kept with the application.")
APPLICANT_MOVES: tuple[Move, ...] = (
    Move(A.NEW, A.SHORTLISTED, _("Shortlist")),
    Move(A.SHORTLISTED, A.INTERVIEWED, _("Mark as interviewed")),
    Move(A.INTERVIEWED, A.OFFERED, _("Offer a place")),
    # Accepting invites the applicant as a trainee: `cohorts.services.recruitment`.
    Move(A.OFFERED, A.ACCEPTED, _("Accept and invite")),
    *(
        Move(
            source,
            A.DECLINED,
            _("Decline"),
            note_required=True,
            note_missing=DECLINE_NOTE,
            is_destructive=True,
        )
        for source in (A.NEW, A.SHORTLISTED, A.INTERVIEWED, A.OFFERED)
    ),
)

S = AssignmentStatus
ASSIGNMENT_MOVES: tuple[Move, ...] = (
    Move(S.PLANNED, S.IN_PROGRESS, _("Start work")),
    Move(S.IN_PROGRESS, S.DONE, _("Mark as done")),
    # Handing over makes a new assignment in the next cohort: `services.planning`.
    Move(S.IN_PROGRESS, S.HANDED_OVER, _("Hand over to the next cohort")),
    # Cancelling sends the idea back to "accepted": `services.planning_moves`.
    Move(
        S.PLANNED,
        S.CANCELLED,
        _("Cancel the plan"),
        note_required=True,
        note_missing=_("Give a reason for cancelling."),
        is_destructive=True,
    ),
    # Only archiving the idea makes this move (`cohorts.receivers`).
    Move(S.IN_PROGRESS, S.CANCELLED, _("Stop the work"), is_destructive=True),
)


def find(table: tuple[Move, ...], source: str, target: str) -> Move | None:
    return next((m for m in table if (m.source, m.target) == (source, target)), None)


def moves_from(table: tuple[Move, ...], source: str) -> list[Move]:
    return [m for m in table if m.source == source]


def require(table: tuple[Move, ...], source: str, target: str, label_of: Any) -> Move:
    """The row for this move, or a ValidationError that names both statuses."""
    move = find(table, source, target)
    if move is None:
        raise ValidationError(
            gettext("“%(source)s” cannot become “%(target)s”.")
            % {"source": label_of(source), "target": label_of(target)},
            code="illegal_transition",
        )
    return move


def check_note(move: Move, note: str) -> str:
    note = note.strip()
    if move.note_required and not note:
        raise ValidationError({"note": str(move.note_missing)}, code="note_required")
    return note


# Employer partners' open roles (`cohorts.services.employers.move_role`).

R = RoleStatus
ROLE_MOVES: tuple[Move, ...] = (
    Move(R.OPEN, R.FILLED, _("Mark as filled")),
    Move(R.OPEN, R.CLOSED, _("Close the role"), is_destructive=True),
    Move(R.FILLED, R.OPEN, _("Open the role again")),
    Move(R.CLOSED, R.OPEN, _("Open the role again")),
)
