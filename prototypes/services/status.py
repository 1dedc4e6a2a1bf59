"""Status changes: the one path by which an idea's status changes, applying a row of
the table in `prototypes.workflow`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes import workflow
from prototypes.access import party_of
from prototypes.events import idea_moved
from prototypes.models import Idea, IdeaEvent
from prototypes.services.concurrency import lock_idea
from prototypes.services.notify import notify_submitter_of_event


@transaction.atomic
def transition_idea(*, actor: User, idea: Idea, target: str, note: str = "") -> IdeaEvent:
    """Move the idea to `target` if the table offers that move to the actor now.

    Refused with a message that says why: a move the table does not have, a status
    that changed since the actor looked ("stale"), a missing note (a decline needs
    a reason, which the submitter sees). An incomplete draft is refused as a whole:
    its answers are given on the edit form, not here."""
    try:
        return apply_transition(actor, idea, target, note=note)
    except workflow.IncompleteIdea as error:
        raise ValidationError(
            _("The idea is not complete yet: edit it and answer the required questions."),
            code="incomplete",
        ) from error


def apply_transition(
    actor: User,
    idea: Idea,
    target: str,
    *,
    note: str,
    offered_only: bool = True,
    notify: bool = True,
    bump_version: bool = True,
) -> IdeaEvent:
    """Apply the table's row for this move, inside the caller's transaction.

    `idea` is the copy the actor decided on: if the locked row's status differs, the
    move is refused as stale. The row's requirements are checked, its timestamps set
    the first time, the note kept where the row says; the version is raised (unless
    the caller already raised it for the same save), an event and an audit row are
    written, `prototypes.events.idea_moved` is sent, and the submitter is told (unless
    `notify` is off because the caller sends its own email). `offered_only=False` lets
    a service make a move that is no button (the evaluation, the planning board's). The
    caller's `idea` gets the new values."""
    locked = lock_idea(idea)
    party = party_of(actor, locked)
    if party is None:
        raise PermissionDenied
    if locked.status != idea.status:
        # Someone moved it since this user looked: their decision was about another state.
        raise ValidationError(
            _("The idea changed status to “%(status)s” meanwhile. Look at it again.")
            % {"status": locked.get_status_display()},
            code="stale",
        )
    transition = workflow.find_transition(locked.status, target, party, offered_only=offered_only)
    if transition is None:
        if workflow.is_known_transition(locked.status, target, offered_only=offered_only):
            raise PermissionDenied
        raise ValidationError(
            workflow.cannot_become(locked.status, target), code="illegal_transition"
        )
    note = note.strip()
    workflow.check_requirements(transition, locked, note)

    now = timezone.now()
    source = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if bump_version:
        locked.version += 1
        fields.append("version")
    for stamp in transition.stamps:
        if getattr(locked, stamp) is None:
            setattr(locked, stamp, now)
            fields.append(stamp)
    if transition.note_field:
        setattr(locked, transition.note_field, note)
        fields.append(transition.note_field)
    locked.save(update_fields=fields)
    for field in fields:
        setattr(idea, field, getattr(locked, field))

    event = IdeaEvent.objects.create(
        idea=locked, actor=actor, from_status=source, to_status=target, note=note
    )
    record_audit(actor, "idea.status_changed", locked, source=source, target=target)
    idea_moved.send(sender=Idea, idea=locked, actor=actor, source=source, target=target, note=note)
    if notify:
        notify_submitter_of_event(event)
    return event
