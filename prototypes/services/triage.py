"""The lab's assessment of an idea: skills needed, size, ready to plan."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.models import Skill
from labportal.core.services import record_audit
from prototypes.access import can_triage
from prototypes.models import Idea
from prototypes.services.concurrency import claim_version, lock_idea


@transaction.atomic
def update_triage(
    *,
    actor: User,
    idea: Idea,
    expected_version: int,
    skills: Iterable[Skill],
    size_weeks: int | None,
    ready_to_plan: bool,
) -> Idea:
    """Save the lab's assessment; returns the saved idea. Only an accepted idea can
    be ready to plan. Judged on the locked row; a form prepared before a status change
    or another save is refused as a conflict."""
    locked = lock_idea(idea)
    if not can_triage(actor, locked):
        raise PermissionDenied
    if ready_to_plan and not locked.is_accepted:
        raise ValidationError(
            {"ready_to_plan": _("Only an accepted idea can be marked as ready to plan.")}
        )
    claim_version(locked, expected_version)
    skills = list(skills)
    locked.size_weeks = size_weeks
    locked.ready_to_plan = ready_to_plan
    locked.full_clean(exclude=["search_vector"])
    locked.save(update_fields=["size_weeks", "ready_to_plan", "version", "updated_at"])
    locked.skills.set(skills)
    record_audit(
        actor,
        "idea.triaged",
        locked,
        size_weeks=size_weeks,
        ready_to_plan=ready_to_plan,
        skills=sorted(skill.pk for skill in skills),
    )
    return locked
