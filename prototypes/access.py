"""Who may do what with ideas: the app's one door.

Views, services, filters, reminders and the start-page panel ask these functions;
nothing is protected by hiding a link. Invariants:

- Two parties act on an idea: the LAB (admins and lab leads, for every idea that was
  ever submitted) and the DEPARTMENT (active staff of the idea's department). A draft,
  even an archived one, belongs to its author alone until it is submitted.
- Every `can_*` rule is false for anonymous and inactive users.
- What a user may not see answers 404, not 403 (`get_*_for_user`), so that the
  existence of another department's idea is not revealed.
- Services call the `can_*` rules again on the row they locked, so a decision made
  on a page that was loaded before a status change cannot slip through.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from labportal.accounts.models import Role
from prototypes.models import (
    EDITABLE_BY_DEPARTMENT,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaQuerySet,
    IdeaStatus,
)

Anyone = Any  # a User or AnonymousUser

# Roles ------------------------------------------------------------------------------
LAB_ROLES = (Role.ADMIN, Role.LAB_LEAD)
DEPARTMENT_ROLES = (Role.DEPARTMENT_STAFF,)
# Who works with ideas at all; which ones is `visible_ideas`' answer.
IDEA_READER_ROLES = (*LAB_ROLES, *DEPARTMENT_ROLES)

# The parties of an idea (see `party_of`).
LAB = "lab"
DEPARTMENT = "department"


def _is_active(user: Anyone) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_read_ideas(user: Anyone) -> bool:
    """May `user` open the idea pages at all (the menu entry, the inbox)?"""
    return _is_active(user) and user.role in IDEA_READER_ROLES


def is_lab(user: Anyone) -> bool:
    """Is `user` on the lab's side: sees every submitted idea, of every department?"""
    return _is_active(user) and user.role in LAB_ROLES


def party_of(user: Anyone, idea: Idea) -> str | None:
    """Which side of the idea `user` is on: LAB, DEPARTMENT or None (no business with it)."""
    if not _is_active(user):
        return None
    if user.role in LAB_ROLES:
        return LAB
    if user.role in DEPARTMENT_ROLES and user.department_id == idea.department_id:
        if idea.submitted_at is None and idea.submitted_by_id != user.pk:
            return None  # a draft is its author's own until submitted
        return DEPARTMENT
    return None


# Rules ------------------------------------------------------------------------------
def can_create_idea(user: Anyone) -> bool:
    """Only active department staff write ideas, and only for their own department."""
    return bool(_is_active(user) and user.role in DEPARTMENT_ROLES and user.department_id)


def can_edit_content(user: Anyone, idea: Idea) -> bool:
    """The department edits what it wrote until the lab has decided; the lab may
    clarify any idea sent to it until it is archived, never someone's draft."""
    party = party_of(user, idea)
    if party == LAB:
        return idea.submitted_at is not None and idea.status != IdeaStatus.ARCHIVED
    return party == DEPARTMENT and idea.status in EDITABLE_BY_DEPARTMENT


def can_triage(user: Anyone, idea: Idea) -> bool:
    """The lab assesses (skills, size, ready to plan) any idea that was submitted."""
    return party_of(user, idea) == LAB and not idea.is_draft


def can_comment(user: Anyone, idea: Idea) -> bool:
    """Both parties write in the thread while the idea is alive: not on a draft
    (nobody else sees it) and not once it is archived."""
    return party_of(user, idea) is not None and not (idea.is_draft or idea.is_archived)


def can_ask_for_information(user: Anyone, idea: Idea) -> bool:
    """May `user` put a question to the department that waits for its answer
    (the idea goes to "needs information")?"""
    return party_of(user, idea) == LAB and idea.is_waiting_for_triage


def can_evaluate(user: Anyone, idea: Idea) -> bool:
    """The department, not the lab, evaluates a delivered prototype, once."""
    return party_of(user, idea) == DEPARTMENT and idea.is_delivered


def can_keep_prototype_record(user: Anyone, idea: Idea) -> bool:
    """The lab keeps the record of what is built, from acceptance on."""
    return party_of(user, idea) == LAB and idea.is_accepted


def is_answering(user: Anyone, idea: Idea) -> bool:
    """Would a message from `user` now be the department's answer to the lab's question?"""
    return party_of(user, idea) == DEPARTMENT and idea.is_waiting_for_answer


# What a user may see ----------------------------------------------------------------------
def visible_ideas(user: Anyone) -> IdeaQuerySet:
    """Every idea `user` may see; the rule itself is `IdeaQuerySet.visible_to`."""
    return Idea.objects.visible_to(user)


def get_idea_for_user(user: Anyone, pk: int) -> Idea:
    return get_object_or_404(
        visible_ideas(user).select_related("department__organisation", "submitted_by"),
        pk=pk,
    )


def get_idea_page_for_user(user: Anyone, pk: int) -> Idea:
    """The idea with everything its page shows, in a fixed number of queries."""
    queryset = (
        visible_ideas(user)
        .select_related("department__organisation", "submitted_by", "prototype", "evaluation")
        .prefetch_related(
            "skills",
            Prefetch("attachments", queryset=IdeaAttachment.objects.order_by("created_at")),
            Prefetch("comments", queryset=IdeaComment.objects.select_related("author")),
            Prefetch("events", queryset=IdeaEvent.objects.select_related("actor")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def get_attachment_for_user(user: Anyone, idea_pk: int, pk: int) -> IdeaAttachment:
    idea = get_idea_for_user(user, idea_pk)
    return get_object_or_404(idea.attachments.select_related("idea"), pk=pk)
