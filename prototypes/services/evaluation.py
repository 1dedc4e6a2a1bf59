"""The department's evaluation of a delivered prototype."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.access import DEPARTMENT, can_evaluate, party_of
from prototypes.models import Evaluation, Idea, IdeaStatus
from prototypes.services.concurrency import lock_idea
from prototypes.services.status import apply_transition


@transaction.atomic
def record_evaluation(
    *, actor: User, idea: Idea, benefit_realised: int, adoption: str, comments: str = ""
) -> Evaluation:
    """Record the department's evaluation of a delivered prototype, once; the idea
    becomes evaluated through the table's DELIVERED → EVALUATED row, which no button
    offers. A second evaluation (two forms sent) is refused with a message."""
    locked = lock_idea(idea)
    if not can_evaluate(actor, locked):
        if party_of(actor, locked) == DEPARTMENT:
            raise ValidationError(
                _("Only a delivered prototype that is not yet evaluated can be evaluated.")
            )
        raise PermissionDenied
    evaluation = Evaluation(
        idea=locked,
        evaluated_by=actor,
        benefit_realised=benefit_realised,
        adoption=adoption,
        comments=comments.strip(),
    )
    evaluation.full_clean()
    evaluation.save()
    record_audit(actor, "idea.evaluated", locked, benefit_realised=benefit_realised)
    apply_transition(actor, idea, IdeaStatus.EVALUATED, note="", offered_only=False)
    return evaluation
