"""The ideas panel on the start page: what waits for this user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from prototypes import access
from prototypes.models import IdeaStatus


def ideas_panel(user: Any) -> dict[str, Any] | None:
    """Figures of the ideas the user may see; nothing for those who do not work with ideas."""
    if not access.can_read_ideas(user):
        return None
    figures = access.visible_ideas(user).aggregate(
        total=Count("pk", filter=~Q(status__in=[IdeaStatus.DRAFT, IdeaStatus.ARCHIVED])),
        waiting=Count("pk", filter=Q(status=IdeaStatus.SUBMITTED)),
        questions=Count("pk", filter=Q(status=IdeaStatus.NEEDS_INFORMATION)),
        drafts=Count("pk", filter=Q(status=IdeaStatus.DRAFT)),
        ready=Count("pk", filter=Q(ready_to_plan=True, status=IdeaStatus.ACCEPTED)),
        to_evaluate=Count("pk", filter=Q(status=IdeaStatus.DELIVERED)),
    )
    return {
        "template": "prototypes/includes/_start_panel.html",
        "is_lab": access.is_lab(user),
        **figures,
    }
