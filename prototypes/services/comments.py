"""The idea's thread: the lab's questions and the department's answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.access import LAB, can_ask_for_information, can_comment, is_answering, party_of
from prototypes.models import Idea, IdeaComment, IdeaStatus
from prototypes.services.concurrency import lock_idea
from prototypes.services.notify import email_person, lab_leads
from prototypes.services.status import apply_transition


@transaction.atomic
def add_comment(
    *, actor: User, idea: Idea, body: str, ask_for_information: bool = False
) -> IdeaComment:
    """Add a message to the idea's thread.

    A question from the lab can put a submitted idea on "needs information"; a
    message from the department while the lab waits for it is the answer and sends
    the idea back to the lab. Both are judged on the locked row, so an answer is
    never lost to a status change made meanwhile. The other side is told by email:
    the submitter of the lab's messages, the lab leads of the department's."""
    locked = lock_idea(idea)
    if not can_comment(actor, locked):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    from_lab = party_of(actor, locked) == LAB
    answering = is_answering(actor, locked)
    asking = from_lab and ask_for_information and can_ask_for_information(actor, locked)
    comment = IdeaComment.objects.create(idea=locked, author=actor, body=body, from_lab=from_lab)
    record_audit(actor, "idea.commented", locked, comment=comment.pk)
    key = f"idea-comment:{comment.pk}"
    if from_lab:
        if asking:
            # The question email below says it all; no second email about the status.
            apply_transition(actor, locked, IdeaStatus.NEEDS_INFORMATION, note=body, notify=False)
        email_person(locked.submitted_by, key, "idea_question", idea=locked, comment=comment)
    else:
        if answering:
            apply_transition(
                actor, locked, IdeaStatus.SUBMITTED, note=_("Answered the lab's question.")
            )
        for lead in lab_leads():
            email_person(lead, key, "idea_answer", idea=locked, comment=comment)
    return comment
