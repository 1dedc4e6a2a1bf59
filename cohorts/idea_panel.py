"""The plan on an idea's page (registered with `prototypes.panels`): the cohort, the
team's names and the planned dates of the idea's assignments, for the lab and the
staff of the idea's department (`access.assignments_of_idea_visible_to`); nothing for
anyone else. Two queries at most, none for an idea that was never planned."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from cohorts import access
from cohorts.models import AssignmentMember, AssignmentStatus
from prototypes.models import Idea, IdeaStatus

# An idea in these statuses has never been assigned: no query.
NEVER_PLANNED = frozenset(
    {
        IdeaStatus.DRAFT,
        IdeaStatus.SUBMITTED,
        IdeaStatus.NEEDS_INFORMATION,
        IdeaStatus.ACCEPTED,
        IdeaStatus.DECLINED,
    }
)


def plan_panel(user: Any, idea: Idea) -> dict[str, Any] | None:
    if idea.status in NEVER_PLANNED:
        return None
    assignments = list(
        access.assignments_of_idea_visible_to(user, idea)
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("cohort")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=AssignmentMember.objects.select_related("enrolment__trainee").order_by(
                    "enrolment__trainee__full_name"
                ),
            )
        )
        .order_by("-starts_on", "-pk")
    )
    if not assignments:
        return None
    current = next((a for a in assignments if a.is_active), None)
    return {
        "template": "cohorts/includes/_assignment_idea_panel.html",
        "current": current,
        "earlier": [a for a in assignments if a is not current],
        "can_open": access.can_open_assignment_pages(user),
    }
