"""The lab leads' Monday digest of their running cohorts: who has not written last
week's log, whose log names blockers, and which milestones are overdue.

It lives here, not in `trainees.reminders`, because it is about cohorts and imports
flow one way (trainees never import cohorts); who owes a log is the one rule of
`trainees.reminders`. Run by beat through `cohorts.tasks` (schedule in trainees'
migration 0004_beat_schedules, editable in the admin) and safe to run again: each
email has an outbox key naming the recipient and the week.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from labportal.accounts.models import Role, User
from labportal.core.models import OutboxEmail
from labportal.core.services import queue_email
from trainees import access as trainee_access
from trainees.models import Milestone, MilestoneStatus, ProgressLog
from trainees.reminders import enrolment_period, iso_week, owes_log, reported_week

# A blocker is quoted up to this length; the whole log is one click away.
BLOCKER_QUOTED = 200


@dataclass
class CohortSection:
    """What the digest says about one cohort."""

    cohort: Cohort
    progress_url: str
    missing: list[User] = field(default_factory=list)
    blocked: list[tuple[User, str]] = field(default_factory=list)
    overdue: list[Milestone] = field(default_factory=list)

    @property
    def is_quiet(self) -> bool:
        return not (self.missing or self.blocked or self.overdue)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BLOCKER_QUOTED else text[: BLOCKER_QUOTED - 1] + "…"


def running_cohorts(today: datetime.date) -> list[Cohort]:
    return list(
        Cohort.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("lab_lead")
        .order_by("name", "pk")
    )


def cohort_sections(
    cohorts: list[Cohort], week: datetime.date, today: datetime.date
) -> dict[int, CohortSection]:
    """Each cohort's section, by cohort pk. Three queries whatever the number of
    cohorts and trainees: enrolments with last week's log, then overdue milestones."""
    sections = {
        cohort.pk: CohortSection(
            cohort=cohort,
            progress_url=settings.SITE_URL + reverse("cohorts:progress", args=[cohort.pk]),
        )
        for cohort in cohorts
    }
    log_of_week = ProgressLog.objects.filter(trainee=OuterRef("trainee_id"), week=week)
    enrolments = list(
        Enrolment.objects.filter(cohort__in=list(sections), trainee__is_active=True)
        .alias(**enrolment_period())
        .filter(owes_log(week, today))
        .annotate(
            has_log=Exists(log_of_week),
            blockers=Subquery(log_of_week.values("blockers")[:1]),
        )
        .select_related("trainee")
        .order_by("trainee__full_name", "trainee__email", "pk")
    )
    trainees_of: dict[int, list[int]] = defaultdict(list)
    for enrolment in enrolments:
        section = sections[enrolment.cohort_id]
        trainees_of[enrolment.trainee_id].append(enrolment.cohort_id)
        if not enrolment.has_log:
            section.missing.append(enrolment.trainee)
        elif (enrolment.blockers or "").strip():
            section.blocked.append((enrolment.trainee, _quote(enrolment.blockers)))
    for milestone in (
        Milestone.objects.filter(
            trainee__in=list(trainees_of), status=MilestoneStatus.PLANNED, due_on__lt=today
        )
        .select_related("trainee", "type")
        .order_by("due_on", "trainee__full_name", "pk")
    ):
        for cohort_id in trainees_of[milestone.trainee_id]:
            sections[cohort_id].overdue.append(milestone)
    return sections


def digest_recipients(cohorts: list[Cohort]) -> dict[int, tuple[User, list[int]]]:
    """Every active lab lead with every running cohort, and each cohort's own lab lead
    (an administrator, say) with the cohorts they lead: by user pk, the user and their
    cohorts' pks in order. Nobody outside the lab: the digest quotes trainees' logs."""
    everything = [cohort.pk for cohort in cohorts]
    recipients: dict[int, tuple[User, list[int]]] = {
        lead.pk: (lead, everything)
        for lead in User.objects.filter(role=Role.LAB_LEAD, is_active=True).order_by("pk")
    }
    for cohort in cohorts:
        lead = cohort.lab_lead
        if lead is None or (lead.pk in recipients and recipients[lead.pk][1] is everything):
            continue
        if not trainee_access.can_view_cohort_progress(lead):
            continue
        recipients.setdefault(lead.pk, (lead, []))[1].append(cohort.pk)
    return recipients


def send_lead_digests(now: datetime.datetime | None = None) -> int:
    """Send each recipient of `digest_recipients` one email about last week in their
    running cohorts: trainees without last week's log, logs naming blockers, overdue
    milestones, and a link to each cohort's progress page. Cohorts with nothing to
    report are left out, and so is a recipient with nothing at all (unless
    LEAD_DIGEST_WHEN_QUIET).

    Idempotent per recipient and week (key ``lead-digest:<user>:<ISO week>``). Queries
    do not grow with the number of trainees or cohorts. Returns the number queued."""
    now = now or timezone.now()
    week = reported_week(now)
    today = timezone.localdate(now, timezone.get_default_timezone())
    cohorts = running_cohorts(today)
    if not cohorts:
        return 0
    recipients = digest_recipients(cohorts)
    keys = {pk: f"lead-digest:{pk}:{iso_week(week)}" for pk in recipients}
    done = set(
        OutboxEmail.objects.filter(key__in=list(keys.values())).values_list("key", flat=True)
    )
    pending = {pk: value for pk, value in recipients.items() if keys[pk] not in done}
    if not pending:
        return 0
    sections = cohort_sections(cohorts, week, today)

    queued = 0
    for pk, (lead, cohort_ids) in pending.items():
        listed = [sections[cohort_id] for cohort_id in cohort_ids]
        loud = [section for section in listed if not section.is_quiet]
        if not loud and not settings.LEAD_DIGEST_WHEN_QUIET:
            continue
        queue_email(
            key=keys[pk],
            to=lead.email,
            template="lead_digest",
            context={
                "recipient": lead,
                "week": week,
                "sections": loud,
                "quiet": [section.cohort.name for section in listed if section.is_quiet],
                "cohorts_url": settings.SITE_URL + reverse("cohorts:list"),
            },
            language=lead.language,
        )
        queued += 1
    return queued
