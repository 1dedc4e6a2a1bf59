"""What the cohorts app does when other apps announce something; connected once, in
`CohortsConfig.ready()`."""

from __future__ import annotations

from typing import Any

from cohorts.services.planning_moves import end_with_idea
from cohorts.services.recruitment_onboarding import carry_over_applicant
from labportal.accounts.models import Invitation, User
from prototypes.models import Idea, IdeaStatus


def on_invitation_accepted(sender: Any, invitation: Invitation, user: User, **kwargs: Any) -> None:
    """A new account from an invitation: if the invitation was made for an accepted
    applicant, enrol them and carry their answers over to their trainee profile.

    Sent inside the account's transaction, so this commits or rolls back with it."""
    carry_over_applicant(invitation=invitation, user=user)


def on_idea_moved(
    sender: Any, idea: Idea, actor: User, target: str, note: str, **kwargs: Any
) -> None:
    """An archived idea takes its plan with it: the active assignment is cancelled in
    the same transaction, so that no team is left on an idea that is gone."""
    if target == IdeaStatus.ARCHIVED:
        end_with_idea(idea=idea, actor=actor, note=note)
