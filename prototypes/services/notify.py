"""Who hears of what happens to an idea, by email through the outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from labportal.accounts.models import Role, User
from labportal.core.services import queue_email
from prototypes.models import IdeaEvent


def lab_leads() -> QuerySet[User]:
    """The active lab leads: they answer the departments and get the reminders."""
    return User.objects.filter(role=Role.LAB_LEAD, is_active=True).order_by("pk")


def email_person(person: User, event_key: str, template: str, **context: Any) -> None:
    """Queue one email about an event to an active person, in their language; the key
    (event and person) makes it the only one, however often the event is replayed."""
    if not person.is_active:
        return
    queue_email(
        key=f"{event_key}:{person.pk}",
        to=person.email,
        template=template,
        context={**context, "recipient": person},
        language=person.language,
    )


def notify_submitter_of_event(event: IdeaEvent) -> None:
    """Tell the submitter of a status change someone else made, and thank them for
    their own submission. Idempotent per event."""
    idea = event.idea
    submitter = idea.submitted_by
    if event.actor_id == submitter.pk and not event.is_receipt:
        return  # nobody needs an email about what they just did themselves
    email_person(submitter, f"idea-event:{event.pk}", "idea_status_changed", idea=idea, event=event)
