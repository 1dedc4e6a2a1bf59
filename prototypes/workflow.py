"""The idea's life as an explicit state machine: which status may follow which,
and who may move it. Services consult this table and refuse everything else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import PRIVILEGED_ROLES, Role
from prototypes.models import Idea, IdeaStatus

S = IdeaStatus
LAB = "lab"  # the lab lead or an admin
DEPARTMENT = "department"  # the idea's submitter or a colleague in its department


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    by: str
    label: Any  # lazy text on the button
    note_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SUBMITTED, DEPARTMENT, _("Submit to the lab")),
    Transition(S.SUBMITTED, S.NEEDS_INFORMATION, LAB, _("Ask for more information"), True),
    Transition(S.NEEDS_INFORMATION, S.SUBMITTED, DEPARTMENT, _("Send back to the lab")),
    Transition(S.NEEDS_INFORMATION, S.SUBMITTED, LAB, _("Resume triage without an answer")),
    Transition(S.SUBMITTED, S.ACCEPTED, LAB, _("Accept")),
    Transition(S.SUBMITTED, S.DECLINED, LAB, _("Decline"), True),
    Transition(S.ACCEPTED, S.PLANNED, LAB, _("Mark as planned")),
    Transition(S.PLANNED, S.IN_PROGRESS, LAB, _("Mark as in progress")),
    Transition(S.IN_PROGRESS, S.DELIVERED, LAB, _("Mark as delivered")),
    # DELIVERED → EVALUATED happens only by recording the department's evaluation.
    *(
        Transition(source, S.ARCHIVED, LAB, _("Archive"))
        for source in S
        if source not in (S.ARCHIVED, S.DRAFT)
    ),
    Transition(S.DRAFT, S.ARCHIVED, DEPARTMENT, _("Archive the draft")),
)


def party_of(user: Any, idea: Idea) -> str | None:
    """Which side of the idea `user` is on, if any."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.role in PRIVILEGED_ROLES:
        return LAB
    if user.role == Role.DEPARTMENT_STAFF and user.department_id == idea.department_id:
        if idea.submitted_at is None and idea.submitted_by_id != user.pk:
            return None  # a draft is its author's own until submitted
        return DEPARTMENT
    return None


def find_transition(source: str, target: str, party: str | None) -> Transition | None:
    for transition in TRANSITIONS:
        if (transition.source, transition.target, transition.by) == (source, target, party):
            return transition
    return None


def is_known_transition(source: str, target: str) -> bool:
    return any(t.source == source and t.target == target for t in TRANSITIONS)


def cannot_become(source: str, target: str) -> str:
    """The message for a status change the table does not have."""
    return gettext("An idea that is “%(source)s” cannot become “%(target)s”.") % {
        "source": IdeaStatus(source).label,
        "target": IdeaStatus(target).label,
    }


def available_transitions(user: Any, idea: Idea) -> list[Transition]:
    """The status changes `user` may make to `idea` now, in the table's order."""
    party = party_of(user, idea)
    return [t for t in TRANSITIONS if t.source == idea.status and t.by == party]
