"""Fetching ideas for a user: what they may not see answers 404, not 403, so that
the existence of another department's idea is not revealed."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from prototypes.models import Idea, IdeaAttachment, IdeaComment, IdeaEvent


def get_idea_for_user(user: Any, pk: int) -> Idea:
    return get_object_or_404(
        Idea.objects.visible_to(user).select_related("department__organisation", "submitted_by"),
        pk=pk,
    )


def get_idea_page_for_user(user: Any, pk: int) -> Idea:
    """The idea with everything its page shows, in a fixed number of queries."""
    queryset = (
        Idea.objects.visible_to(user)
        .select_related("department__organisation", "submitted_by", "prototype", "evaluation")
        .prefetch_related(
            "skills",
            Prefetch("attachments", queryset=IdeaAttachment.objects.order_by("created_at")),
            Prefetch("comments", queryset=IdeaComment.objects.select_related("author")),
            Prefetch("events", queryset=IdeaEvent.objects.select_related("actor")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def get_attachment_for_user(user: Any, idea_pk: int, pk: int) -> IdeaAttachment:
    idea = get_idea_for_user(user, idea_pk)
    return get_object_or_404(idea.attachments.select_related("idea"), pk=pk)
