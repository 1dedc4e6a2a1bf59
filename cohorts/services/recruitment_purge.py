"""Applicants who were not taken are deleted after APPLICANT_RETENTION_MONTHS: the
declined ones counted from the decision, and those never decided counted from the end
of their cohort. Run nightly by beat (`cohorts.tasks.purge_applicants_not_taken`)."""

from __future__ import annotations

import calendar
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cohorts.models import NOT_TAKEN, Applicant, ApplicantStatus, Cohort
from labportal.core.services import record_audit

logger = logging.getLogger(__name__)

UNDECIDED = (
    ApplicantStatus.NEW,
    ApplicantStatus.SHORTLISTED,
    ApplicantStatus.INTERVIEWED,
    ApplicantStatus.OFFERED,
)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day where it is shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return day.replace(year=year, month=month0 + 1, day=min(day.day, last))


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Applicants decided, or of cohorts ended, before this day are past the period."""
    return months_before(today or timezone.localdate(), settings.APPLICANT_RETENTION_MONTHS)


def _past_retention(cutoff: datetime.date) -> tuple[Q, Q]:
    start_of_cutoff = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    declined = Q(status__in=NOT_TAKEN) & (
        Q(decided_at__lt=start_of_cutoff)
        # Declined without a time (e.g. in the admin): the last change stands in.
        | Q(decided_at__isnull=True, updated_at__lt=start_of_cutoff)
    )
    undecided = Q(status__in=UNDECIDED, cohort__ends_on__lt=cutoff)
    return declined, undecided


def applicants_past_retention(today: datetime.date | None = None) -> QuerySet[Applicant]:
    """The applicants the next purge deletes."""
    declined, undecided = _past_retention(retention_cutoff(today))
    return Applicant.objects.filter(declined | undecided)


def purge_applicants_not_taken(today: datetime.date | None = None) -> int:
    """Delete the applicants past the retention period, with their skills and history;
    returns how many. One transaction and one audit row per cohort, holding only
    counts (no personal data). Idempotent: a second run finds nothing and writes
    nothing; a run stopped halfway leaves whole cohorts done and the rest for the next."""
    declined, undecided = _past_retention(retention_cutoff(today))
    cohort_ids = list(
        Applicant.objects.filter(declined | undecided)
        .order_by("cohort_id")
        .values_list("cohort_id", flat=True)
        .distinct()
    )
    total = 0
    for cohort_id in cohort_ids:
        with transaction.atomic():
            cohort = Cohort.objects.filter(pk=cohort_id).first()
            if cohort is None:
                continue
            counts = {
                name: Applicant.objects.filter(condition, cohort=cohort)
                .delete()[1]
                .get(Applicant._meta.label, 0)
                for name, condition in (("declined", declined), ("undecided", undecided))
            }
            if not any(counts.values()):
                continue
            record_audit(
                None,
                "applicants.purged",
                cohort,
                **counts,
                retention_months=settings.APPLICANT_RETENTION_MONTHS,
            )
            total += sum(counts.values())
    if total:
        logger.info("Deleted %s applicants past the retention period", total)
    return total
