"""The idea's life as an explicit state machine: which status may follow which, who
may move it, what the move needs and what it records. Every status change goes
through this table (`prototypes.services.status.apply_transition` applies a row);
everything else is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prototypes.access import DEPARTMENT, LAB, party_of
from prototypes.models import Idea, IdeaStatus

S = IdeaStatus

# A submitted idea must answer these; a draft may leave them empty.
REQUIRED_TO_SUBMIT = (
    "title",
    "problem",
    "affected_users",
    "improvement",
    "benefit_kind",
    "benefit_size",
)


OPTIONAL_NOTE = _("Note (optional)")
TELLS_THE_SUBMITTER = _("The submitter gets an email about the change.")


@dataclass(frozen=True)
class Transition:
    """One row: `by` (a party, see `prototypes.access`) may move an idea from `source`
    to `target`.

    Applying it requires the idea's `required_fields` to be answered and, if
    `note_required`, a note; it sets each field of `stamps` to now the first time
    (a resubmission is not a new submission), and keeps the note in `note_field` if
    there is one. A row with `offered=False` is no button: only its own service
    makes it (recording an evaluation, the planning board's moves)."""

    source: str
    target: str
    by: str
    label: Any  # lazy text on the button and the confirmation page
    note_required: bool = False
    note_label: Any = OPTIONAL_NOTE
    note_missing: Any = ""  # the message when a required note is missing
    required_fields: tuple[str, ...] = ()
    stamps: tuple[str, ...] = ()
    note_field: str | None = None
    help_text: Any = TELLS_THE_SUBMITTER  # what happens, on the confirmation page
    is_destructive: bool = False  # declining and archiving: shown as a warning
    offered: bool = True


ARCHIVE_HELP = _(
    "An archived idea is kept but leaves every list of work in progress. "
    "This cannot be undone here."
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        S.DRAFT,
        S.SUBMITTED,
        DEPARTMENT,
        _("Submit to the lab"),
        required_fields=REQUIRED_TO_SUBMIT,
        stamps=("submitted_at",),
        help_text=_("After submitting you can still edit the idea until the lab has decided."),
    ),
    Transition(
        S.SUBMITTED,
        S.NEEDS_INFORMATION,
        LAB,
        _("Ask for more information"),
        note_required=True,
        note_label=_("What does the lab need to know?"),
        note_missing=_("Write what the lab needs to know."),
        stamps=("triaged_at",),
        help_text=_("The department gets your question by email and answers on the idea's page."),
    ),
    Transition(S.NEEDS_INFORMATION, S.SUBMITTED, DEPARTMENT, _("Send back to the lab")),
    Transition(S.NEEDS_INFORMATION, S.SUBMITTED, LAB, _("Resume triage without an answer")),
    Transition(S.SUBMITTED, S.ACCEPTED, LAB, _("Accept"), stamps=("triaged_at", "decided_at")),
    Transition(
        S.SUBMITTED,
        S.DECLINED,
        LAB,
        _("Decline"),
        note_required=True,
        note_label=_("Reason (the department sees it)"),
        note_missing=_("Give a reason: the department will see it."),
        stamps=("triaged_at", "decided_at"),
        note_field="decline_reason",
        help_text=_("Declining tells the department why, so that their next idea fits better."),
        is_destructive=True,
    ),
    # No buttons: the planning board makes these moves with the plan they stand for
    # (`cohorts.services.planning`): assigning a team, starting the work, finishing
    # it, cancelling a plan before the work began.
    Transition(S.ACCEPTED, S.PLANNED, LAB, _("Plan the idea"), offered=False),
    Transition(S.PLANNED, S.IN_PROGRESS, LAB, _("Start work"), offered=False),
    Transition(
        S.IN_PROGRESS,
        S.DELIVERED,
        LAB,
        _("Mark as done"),
        stamps=("delivered_at",),
        offered=False,
    ),
    Transition(
        S.PLANNED,
        S.ACCEPTED,
        LAB,
        _("Cancel the plan"),
        note_required=True,
        note_label=_("Reason (the department sees it)"),
        note_missing=_("Give a reason for cancelling."),
        offered=False,
    ),
    # No button: the department's evaluation form makes this move (`record_evaluation`).
    Transition(S.DELIVERED, S.EVALUATED, DEPARTMENT, _("Evaluate the prototype"), offered=False),
    *(
        Transition(
            source,
            S.ARCHIVED,
            LAB,
            _("Archive"),
            stamps=("triaged_at",) if source == S.SUBMITTED else (),
            help_text=ARCHIVE_HELP,
            is_destructive=True,
        )
        for source in S
        if source not in (S.ARCHIVED, S.DRAFT)
    ),
    Transition(
        S.DRAFT,
        S.ARCHIVED,
        DEPARTMENT,
        _("Archive the draft"),
        help_text=ARCHIVE_HELP,
        is_destructive=True,
    ),
)

SUBMISSION = next(t for t in TRANSITIONS if (t.source, t.target) == (S.DRAFT, S.SUBMITTED))


class IncompleteIdea(ValidationError):
    """The idea lacks answers a transition requires; the error names each field."""


def _rows(offered_only: bool) -> list[Transition]:
    return [t for t in TRANSITIONS if t.offered or not offered_only]


def find_transition(
    source: str, target: str, party: str | None, *, offered_only: bool = True
) -> Transition | None:
    """The row that lets `party` move an idea from `source` to `target`. Rows that are
    no button are found only with `offered_only=False`, by the service that makes them."""
    for transition in _rows(offered_only):
        if (transition.source, transition.target, transition.by) == (source, target, party):
            return transition
    return None


def is_known_transition(source: str, target: str, *, offered_only: bool = True) -> bool:
    """Does the table have this move for anyone (so refusing it is about who asks)?"""
    return any(t.source == source and t.target == target for t in _rows(offered_only))


def cannot_become(source: str, target: str) -> str:
    """The message for a status change the table does not have."""
    return gettext("An idea that is “%(source)s” cannot become “%(target)s”.") % {
        "source": IdeaStatus(source).label,
        "target": IdeaStatus(target).label,
    }


def available_transitions(user: Any, idea: Idea) -> list[Transition]:
    """The buttons `user` gets for `idea` now, in the table's order."""
    party = party_of(user, idea)
    return [t for t in _rows(True) if t.source == idea.status and t.by == party]


def missing_answers(transition: Transition, idea: Idea) -> dict[str, str]:
    """The required answers `idea` lacks for `transition`, each with its message."""
    return {
        field: gettext("Fill this in before you submit the idea.")
        for field in transition.required_fields
        if not str(getattr(idea, field) or "").strip()
    }


def missing_to_submit(idea: Idea) -> dict[str, str]:
    return missing_answers(SUBMISSION, idea)


def check_requirements(transition: Transition, idea: Idea, note: str) -> None:
    """Refuse the move if the idea lacks an answer the row requires (`IncompleteIdea`,
    naming the fields) or the row's note is missing (an error on "note")."""
    missing = missing_answers(transition, idea)
    if missing:
        raise IncompleteIdea(missing)
    if transition.note_required and not note:
        raise ValidationError({"note": transition.note_missing})
