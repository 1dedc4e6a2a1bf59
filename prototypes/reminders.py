"""Scheduled nudges about ideas: the lab's reminders of ideas waiting for an answer
and of delivered prototypes nobody evaluated, and the departments' monthly digest.

Each function is run by beat through `prototypes.tasks` and may run again at any
time (a retry, a manual run): every email has an outbox key that names what it is
about, so a second run queues nothing that the first one queued.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import User
from labportal.core.models import OutboxEmail
from labportal.core.services import queue_email
from prototypes.access import DEPARTMENT_ROLES, party_of
from prototypes.models import Idea, IdeaEvent, IdeaStatus
from prototypes.services.notify import lab_leads

# A longer list does not get read; the rest is one click away in the inbox.
TRIAGE_REMINDER_LISTED = 20


@dataclass(frozen=True)
class ListedIdea:
    """One line of a reminder or digest: what the recipient needs to recognise the idea."""

    title: str
    department: str
    url: str
    since: datetime | None = None  # submitted or delivered
    days: int = 0  # days since `since`
    status: Any = ""  # the translated label, rendered in the recipient's language


def _local_today(now: datetime) -> date:
    return timezone.localdate(now, timezone.get_default_timezone())


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _days_between(earlier: datetime, later: datetime) -> int:
    # Calendar days in Stockholm, as the reader counts them on a wall calendar.
    return (_local_today(later) - _local_today(earlier)).days


def _already_queued(keys: Iterable[str]) -> set[str]:
    # One query instead of one per recipient, and nothing is rendered for nothing.
    return set(OutboxEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def _idea_url(idea: Idea) -> str:
    return settings.SITE_URL + idea.get_absolute_url()


def send_triage_reminders(now: datetime | None = None) -> int:
    """Remind every active lab lead of the ideas that have waited for the lab's first
    answer (status submitted) longer than `IDEA_TRIAGE_REMINDER_DAYS` days.

    One email per lead listing the oldest `TRIAGE_REMINDER_LISTED` ideas and a link to
    the inbox; nothing when no idea waits that long. Idempotent per lead and local
    (Stockholm) day: a second run on the same day queues nothing. Returns the number
    of emails queued by this call.
    """
    now = now or timezone.now()
    threshold = now - timedelta(days=settings.IDEA_TRIAGE_REMINDER_DAYS)
    waiting = (
        Idea.objects.waiting_for_triage()
        .filter(submitted_at__lt=threshold)
        .select_related("department__organisation")
        .order_by("submitted_at", "pk")
    )
    listed = list(waiting[:TRIAGE_REMINDER_LISTED])
    if not listed:
        return 0
    total = len(listed) if len(listed) < TRIAGE_REMINDER_LISTED else waiting.count()

    today = _local_today(now).isoformat()
    leads = list(lab_leads())
    keys = {lead.pk: f"idea-triage-reminder:{lead.pk}:{today}" for lead in leads}
    done = _already_queued(keys.values())
    recipients = [lead for lead in leads if keys[lead.pk] not in done]
    if not recipients:
        return 0

    ideas = [
        ListedIdea(
            title=idea.title,
            department=str(idea.department),
            url=_idea_url(idea),
            since=idea.submitted_at,
            days=_days_between(idea.submitted_at, now),
        )
        for idea in listed
    ]
    context = {
        "ideas": ideas,
        "total": total,
        "more": total - len(ideas),
        "inbox_url": settings.SITE_URL
        + reverse("prototypes:list")
        + f"?status={IdeaStatus.SUBMITTED.value}",
    }
    for lead in recipients:
        queue_email(
            key=keys[lead.pk],
            to=lead.email,
            template="idea_triage_reminder",
            context={**context, "recipient": lead},
            language=lead.language,
        )
    return len(recipients)


def send_evaluation_reminders(now: datetime | None = None) -> int:
    """Remind every active lab lead of each prototype delivered more than
    `EVALUATION_REMINDER_DAYS` days ago that its department has not evaluated.

    One email per idea and lead, sent once ever (the key names both), so a lead is
    not told twice about the same prototype; a lead who joins later is told once.
    Returns the number of emails queued by this call.
    """
    now = now or timezone.now()
    threshold = now - timedelta(days=settings.EVALUATION_REMINDER_DAYS)
    ideas = list(
        Idea.objects.filter(
            status=IdeaStatus.DELIVERED,
            delivered_at__lt=threshold,
            evaluation__isnull=True,
        )
        .select_related("department__organisation", "submitted_by")
        .order_by("delivered_at", "pk")
    )
    if not ideas:
        return 0
    leads = list(lab_leads())
    keys = {
        (idea.pk, lead.pk): f"idea-evaluation-reminder:{idea.pk}:{lead.pk}"
        for idea in ideas
        for lead in leads
    }
    done = _already_queued(keys.values())

    queued = 0
    for idea in ideas:
        listed = ListedIdea(
            title=idea.title,
            department=str(idea.department),
            url=_idea_url(idea),
            since=idea.delivered_at,
            days=_days_between(idea.delivered_at, now),
        )
        for lead in leads:
            key = keys[idea.pk, lead.pk]
            if key in done:
                continue
            queue_email(
                key=key,
                to=lead.email,
                template="idea_evaluation_reminder",
                context={
                    "idea": listed,
                    "contact": idea.contact_person or str(idea.submitted_by),
                    "contact_email": idea.submitted_by.email,
                    "recipient": lead,
                },
                language=lead.language,
            )
            queued += 1
    return queued


def reported_month(now: datetime) -> tuple[date, datetime, datetime]:
    """The previous calendar month in Stockholm: its first day, and its start and end
    (exclusive) as aware datetimes."""
    first_of_this = _local_today(now).replace(day=1)
    first_of_last = (first_of_this - timedelta(days=1)).replace(day=1)
    return first_of_last, _local_midnight(first_of_last), _local_midnight(first_of_this)


# The digest's rows in the order an idea moves through them; archived ideas are done.
DIGEST_STATUSES = [status for status in IdeaStatus if status != IdeaStatus.ARCHIVED]


def send_monthly_digests(now: datetime | None = None) -> int:
    """Send every active department staff member of an active department a summary
    of the department's ideas: how many are in each status (their own drafts, not
    their colleagues'; archived ideas left out) and which ideas changed status in
    the previous calendar month. A department without ideas is invited to submit one.

    Queries do not grow with the number of ideas: counts and changes are aggregated
    for all departments at once; per recipient there is only the outbox write.
    Idempotent per recipient and reported month. Returns the number of emails queued.
    """
    now = now or timezone.now()
    month, start, end = reported_month(now)
    recipients = list(
        User.objects.filter(role__in=DEPARTMENT_ROLES, is_active=True, department__is_active=True)
        .select_related("department__organisation")
        .order_by("pk")
    )
    keys = {user.pk: f"idea-digest:{user.pk}:{month:%Y-%m}" for user in recipients}
    done = _already_queued(keys.values())
    recipients = [user for user in recipients if keys[user.pk] not in done]
    if not recipients:
        return 0
    department_ids = {user.department_id for user in recipients}

    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Idea.objects.filter(department_id__in=department_ids)
        .exclude(status__in=[IdeaStatus.DRAFT, IdeaStatus.ARCHIVED])
        .values("department_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["department_id"]][row["status"]] = row["n"]
    own_drafts = dict(
        Idea.objects.filter(
            status=IdeaStatus.DRAFT,
            submitted_by__in=[user.pk for user in recipients],
            department_id=F("submitted_by__department_id"),
        )
        .values("submitted_by_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("submitted_by_id", "n")
    )

    changed_in_month = IdeaEvent.objects.filter(
        idea=OuterRef("pk"), created_at__gte=start, created_at__lt=end
    )
    changed_by_department: dict[int, list[Idea]] = defaultdict(list)
    for idea in (
        Idea.objects.filter(department_id__in=department_ids)
        .filter(Exists(changed_in_month))
        .only("pk", "title", "status", "department_id", "submitted_by_id", "submitted_at")
        .order_by("title", "pk")
    ):
        changed_by_department[idea.department_id].append(idea)

    create_url = settings.SITE_URL + reverse("prototypes:create")
    for user in recipients:
        department_counts = counts[user.department_id]
        rows = [
            {
                "label": _("Your drafts") if status == IdeaStatus.DRAFT else status.label,
                "count": own_drafts.get(user.pk, 0)
                if status == IdeaStatus.DRAFT
                else department_counts.get(status, 0),
            }
            for status in DIGEST_STATUSES
        ]
        changed = [
            ListedIdea(
                title=idea.title,
                department=str(user.department),
                url=_idea_url(idea),
                status=IdeaStatus(idea.status).label,
            )
            for idea in changed_by_department[user.department_id]
            # An idea never submitted is its author's own, even once archived.
            if party_of(user, idea) is not None
        ]
        queue_email(
            key=keys[user.pk],
            to=user.email,
            template="idea_digest",
            context={
                "recipient": user,
                "department": user.department.name,
                "month": month,
                "counts": [row for row in rows if row["count"]],
                "changed": changed,
                "create_url": create_url,
            },
            language=user.language,
        )
    return len(recipients)
