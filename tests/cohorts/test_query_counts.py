"""The cohort pages read a fixed number of queries, whether a cohort has 4 trainees with
10 weeks of logs or 40 with a year of them."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory
from tests.conftest import client_for
from trainees.models import Milestone, MilestoneType, ProgressLog, monday_of

# Session, user, MFA check, the cohort, the count and the page of rows (6), one spare.
MAX_QUERIES = 7
SIZES = ((4, 10), (40, 52))


def grow(cohort, trainees, weeks):
    """Enrol trainees up to `trainees`, each with a log for each of the last `weeks`
    weeks (some naming blockers) and a milestone of each type."""
    this_monday = monday_of(timezone.localdate())
    types = list(MilestoneType.objects.all())
    existing = cohort.enrolments.count()
    people = [
        UserFactory(role="trainee", full_name=f"Praktikant {n:03d}")
        for n in range(existing, trainees)
    ]
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, trainee=p, starts_on=cohort.starts_on, ends_on=cohort.ends_on)
        for p in people
    )
    for trainee in (e.trainee for e in cohort.enrolments.select_related("trainee")):
        have = set(ProgressLog.objects.filter(trainee=trainee).values_list("week", flat=True))
        ProgressLog.objects.bulk_create(
            ProgressLog(
                trainee=trainee,
                week=this_monday - datetime.timedelta(weeks=n),
                hours_practical=Decimal(30 + n % 5),
                hours_education=Decimal(n % 9),
                did="Arbetade",
                blockers="Väntar" if n % 2 == 1 else "",
            )
            for n in range(1, weeks + 1)
            if this_monday - datetime.timedelta(weeks=n) not in have
        )
    due = itertools.cycle([-10, 3, 40])
    Milestone.objects.bulk_create(
        (
            Milestone(
                trainee=p,
                type=t,
                due_on=timezone.localdate() + datetime.timedelta(days=next(due)),
            )
            for p in people
            for t in types
        ),
    )


@pytest.mark.parametrize(
    "query",
    ["", "?sort=missing", "?sort=education&behind=on", "?q=praktikant&blockers=on&page=2"],
)
def test_cohort_progress_has_bounded_queries(django_assert_max_num_queries, lab_lead, query):
    # Begun 60 weeks ago: with a year of logs, everyone still lacks some weeks.
    start = monday_of(timezone.localdate()) - datetime.timedelta(weeks=60)
    cohort = CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(weeks=80))
    client = client_for(lab_lead)
    url = reverse("cohorts:progress", args=[cohort.pk]) + query

    for trainees, weeks in SIZES:
        grow(cohort, trainees, weeks)
        with django_assert_max_num_queries(MAX_QUERIES, info=f"{trainees}x{weeks}"):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["page"].object_list

    assert ProgressLog.objects.count() == 40 * 52


def test_cohort_list_has_bounded_queries(django_assert_max_num_queries, lab_lead):
    client = client_for(lab_lead)
    for size in (3, 60):
        while Enrolment.objects.values("cohort").distinct().count() < size:
            Enrolment.objects.create(cohort=CohortFactory(lab_lead=lab_lead), trainee=UserFactory())
        with django_assert_max_num_queries(MAX_QUERIES, info=f"{size} cohorts"):
            response = client.get(reverse("cohorts:list"))
        assert response.status_code == 200
