"""The ideas panel on the start page: what waits for this user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from prototypes import access
from prototypes.models import Idea, IdeaStatus

LAB_QUEUES = (IdeaStatus.SUBMITTED, IdeaStatus.NEEDS_INFORMATION, IdeaStatus.DELIVERED)


def ideas_panel(user: Any) -> dict[str, Any] | None:
    """Figures of the ideas the user may see; nothing for those who do not work with ideas."""
    if not access.can_read_ideas(user):
        return None
    ideas = access.visible_ideas(user)
    if access.is_lab(user):
        figures = _lab_figures(ideas)
    else:
        figures = ideas.aggregate(
            total=Count("pk", filter=~Q(status__in=[IdeaStatus.DRAFT, IdeaStatus.ARCHIVED])),
            questions=Count("pk", filter=Q(status=IdeaStatus.NEEDS_INFORMATION)),
            drafts=Count("pk", filter=Q(status=IdeaStatus.DRAFT)),
            to_evaluate=Count("pk", filter=Q(status=IdeaStatus.DELIVERED)),
        )
    return {
        "template": "prototypes/includes/_start_panel.html",
        "is_lab": access.is_lab(user),
        **figures,
    }


def _lab_figures(ideas: QuerySet[Idea]) -> dict[str, int]:
    """The lab's queues, counted from the indexes alone (status, and the partial index of
    the ideas ready to plan) instead of a pass over every idea ever sent."""
    by_status = dict(
        ideas.filter(status__in=LAB_QUEUES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "waiting": by_status.get(IdeaStatus.SUBMITTED, 0),
        "questions": by_status.get(IdeaStatus.NEEDS_INFORMATION, 0),
        "ready": ideas.filter(status=IdeaStatus.ACCEPTED, ready_to_plan=True).count(),
        "to_evaluate": by_status.get(IdeaStatus.DELIVERED, 0),
    }
