"""The Monday reminder of a missing weekly log, and the rule of which trainees owe a log.

Run by beat through `trainees.tasks` (schedule in migration 0004_beat_schedules,
editable in the admin). It may run again at any time (beat firing twice, a retry, a
worker killed halfway): every email has an outbox key naming the trainee and the
week, so a second run queues nothing that the first one queued, and a run that died
halfway is completed by the next one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from labportal.accounts.models import Role, User
from labportal.core.models import OutboxEmail
from labportal.core.outbox import render_email
from labportal.core.outbox_batch import PreparedEmail, queue_prepared_emails
from trainees.models import ProgressLog, monday_of

WEEK = datetime.timedelta(weeks=1)
# Stands for the trainee's name in the email rendered once per language: characters
# that escaping and the templates leave alone.
NAME_PLACEHOLDER = "[recipient-name]"


def reported_week(now: datetime.datetime) -> datetime.date:
    """The Monday of last week in Stockholm: the week a Monday reminder is about."""
    return monday_of(timezone.localdate(now, timezone.get_default_timezone())) - WEEK


def iso_week(monday: datetime.date) -> str:
    """The key's name of a week, e.g. 2025-W12."""
    return f"{monday:%G-W%V}"


def enrolment_period(prefix: str = "") -> dict[str, Any]:
    """Aliases `enrolment_start` and `enrolment_end` of an enrolment reached through
    `prefix` ("" on Enrolment itself, "enrolments__" from a user): its own dates, else
    its cohort's. Both aliases in one `.alias()` call share one join."""
    return {
        "enrolment_start": Coalesce(f"{prefix}starts_on", f"{prefix}cohort__starts_on"),
        "enrolment_end": Coalesce(f"{prefix}ends_on", f"{prefix}cohort__ends_on"),
    }


def owes_log(week: datetime.date, today: datetime.date) -> Q:
    """On the aliases of `enrolment_period`: an enrolment that had begun by the end of
    `week` (a trainee who starts on a Wednesday owes that week's log) and still runs
    `today`."""
    return Q(enrolment_start__lte=week + datetime.timedelta(days=6), enrolment_end__gte=today)


def trainees_missing_log(week: datetime.date, today: datetime.date) -> QuerySet[User]:
    """Active trainees with an enrolment that owes a log for `week` (see `owes_log`)
    and no log for it."""
    owing = (
        User.objects.alias(**enrolment_period("enrolments__"))
        .filter(owes_log(week, today))
        .values("pk")
    )
    missing: QuerySet[User] = User.objects.filter(
        role=Role.TRAINEE, is_active=True, pk__in=owing
    ).exclude(Exists(ProgressLog.objects.filter(trainee=OuterRef("pk"), week=week)))
    return missing


def _already_queued(keys: Iterable[str]) -> set[str]:
    return set(OutboxEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def send_log_reminders(now: datetime.datetime | None = None) -> int:
    """Remind every active trainee who owes last week's log and has not written it:
    one email each, in their language, with a link to where they write it.

    Idempotent per trainee and week (key ``log-reminder:<trainee>:<ISO week>``): a
    second run queues nothing new, and a run cut short is completed by the next one
    (the emails are committed in chunks, each on its own). Returns the number of
    emails queued.

    Thousands at a time: the rows are inserted in bulk and sent in batches (see
    `labportal.core.outbox_batch`), and the email is rendered once per language, with
    each trainee's name put in afterwards (only the name differs between them)."""
    now = now or timezone.now()
    week = reported_week(now)
    today = timezone.localdate(now, timezone.get_default_timezone())
    trainees = list(
        trainees_missing_log(week, today)
        .order_by("pk")
        .only("pk", "email", "full_name", "language")
    )
    keys = {trainee.pk: f"log-reminder:{trainee.pk}:{iso_week(week)}" for trainee in trainees}
    done = _already_queued(keys.values())
    # The log form opens on the week the reminder is about.
    log_url = f"{settings.SITE_URL}{reverse('trainees:log_create')}?week={week.isoformat()}"
    rendered: dict[str, tuple[str, str, str]] = {}

    def prepared(trainee: User) -> PreparedEmail:
        language = trainee.language or settings.LANGUAGE_CODE
        if language not in rendered:
            rendered[language] = render_email(
                "log_reminder",
                {
                    "recipient": {"full_name": NAME_PLACEHOLDER, "email": NAME_PLACEHOLDER},
                    "week": week,
                    "week_end": week + datetime.timedelta(days=6),
                    "log_url": log_url,
                },
                language,
            )
        subject, body_text, body_html = rendered[language]
        name = trainee.full_name or trainee.email
        return PreparedEmail(
            key=keys[trainee.pk],
            to=trainee.email,
            subject=subject.replace(NAME_PLACEHOLDER, " ".join(name.split())),
            body_text=body_text.replace(NAME_PLACEHOLDER, name),
            # Where the template printed the name autoescaped.
            body_html=body_html.replace(NAME_PLACEHOLDER, escape(name)),
        )

    return queue_prepared_emails(
        prepared(trainee) for trainee in trainees if keys[trainee.pk] not in done
    )
