"""The cohort's page reads a fixed number of queries, whether the cohort has 3
enrolments or 40, each with rotation periods and supervisors, as the lab, a trainee
and a supervisor see it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Enrolment, RotationPeriod
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SIZES = (3, 40)
# Session and user (2); the cohort, its served organisations and supervisors (3); the
# enrolments, their rotations and their supervisors (3); the viewer's detailed
# enrolments (1, 2 for a supervisor); and the menu's and messages' reads. Two spare.
MAX_QUERIES = 14


def grow(cohort, size):
    """Enrol trainees up to `size`, each with two rotation periods and a supervisor."""
    partner = OrganisationFactory(kind="partner")
    supervisor = UserFactory(role="supervisor")
    existing = cohort.enrolments.count()
    created = Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            trainee=UserFactory(role="trainee", full_name=f"Praktikant {n:03d}"),
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
        )
        for n in range(existing, size)
    )
    RotationPeriod.objects.bulk_create(
        RotationPeriod(
            enrolment=enrolment,
            organisation=partner,
            starts_on=cohort.starts_on + datetime.timedelta(days=offset),
            ends_on=cohort.starts_on + datetime.timedelta(days=offset + 20),
        )
        for enrolment in created
        for offset in (10, 60)
    )
    for enrolment in created:
        enrolment.supervisors.add(supervisor)


@pytest.mark.parametrize("persona", ["lab_lead", "trainee", "supervisor"])
def test_cohort_page_reads_a_fixed_number_of_queries(request, enrolment, supervisor, persona):
    cohort = enrolment.cohort
    cohort.capacity = 100
    cohort.save()
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse("cohorts:detail", args=[cohort.pk])
    counts = []
    for size in SIZES:
        grow(cohort, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_QUERIES, counts


def test_cohort_page_at_forty_within_the_bound(lab_lead, enrolment, django_assert_max_num_queries):
    cohort = enrolment.cohort
    cohort.capacity = 100
    cohort.save()
    grow(cohort, 40)
    client = client_for(lab_lead)
    url = reverse("cohorts:detail", args=[cohort.pk])

    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)
