"""The monthly outcome report to the admins: the key figures of the programmes that
ended in the last twelve months, suppressed like the dashboard, and a link to it.
Once per admin and month (outbox key), however often beat fires."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import Role, User
from labportal.core.models import OutboxEmail
from labportal.core.services import queue_email
from reports.figures import Filters, outcome_report


def send_monthly_reports(now: datetime.datetime | None = None) -> int:
    today = timezone.localdate(now or timezone.now())
    month = f"{today:%Y-%m}"
    report = outcome_report("year", Filters(starts=today - datetime.timedelta(days=365)))
    total = report.total
    last = report.points[-1]
    context = {
        "month": today.replace(day=1),
        "since": today - datetime.timedelta(days=365),
        "trainees": total.trainees.text,
        "at_end": total.points[0],
        "last": total.points[last],
        "last_months": last,
        "answered": total.answered.text,
        "response_share": total.response_share,
        "median_days": total.median_days,
        "dashboard_url": f"{settings.SITE_URL}{reverse('reports:dashboard')}",
        "k": report.k,
    }
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
    keys = {admin.pk: f"monthly-report:{month}:{admin.pk}" for admin in admins}
    sent = set(OutboxEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    queued = 0
    for admin in admins:
        if keys[admin.pk] in sent:
            continue
        queue_email(
            key=keys[admin.pk],
            to=admin.email,
            template="monthly_report",
            context={"recipient": admin, **context},
            language=admin.language,
        )
        queued += 1
    return queued
