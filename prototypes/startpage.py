"""The ideas panel on the start page: what waits for this user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from labportal.accounts.models import PRIVILEGED_ROLES, Role
from prototypes.models import Idea, IdeaStatus


def ideas_panel(user: Any) -> dict[str, Any] | None:
    if not user.is_authenticated or user.role not in (*PRIVILEGED_ROLES, Role.DEPARTMENT_STAFF):
        return None
    figures = Idea.objects.visible_to(user).aggregate(
        total=Count("pk", filter=~Q(status__in=[IdeaStatus.DRAFT, IdeaStatus.ARCHIVED])),
        waiting=Count("pk", filter=Q(status=IdeaStatus.SUBMITTED)),
        questions=Count("pk", filter=Q(status=IdeaStatus.NEEDS_INFORMATION)),
        drafts=Count("pk", filter=Q(status=IdeaStatus.DRAFT)),
        ready=Count("pk", filter=Q(ready_to_plan=True, status=IdeaStatus.ACCEPTED)),
        to_evaluate=Count("pk", filter=Q(status=IdeaStatus.DELIVERED)),
    )
    return {
        "template": "prototypes/includes/_start_panel.html",
        "is_lab": user.role in PRIVILEGED_ROLES,
        **figures,
    }
