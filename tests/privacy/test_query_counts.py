"""The personal-data pages run a fixed number of queries, whatever the number of
retention runs, erasures or people (two data sizes each)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import Erasure, RetentionRun
from tests.accounts.factories import UserFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6  # session, user, MFA check, then the page's own


def runs(count: int) -> None:
    RetentionRun.objects.bulk_create(
        RetentionRun(
            started_at=timezone.now(),
            finished_at=timezone.now(),
            counts={"profile": {"anonymise": 3}, "application": {"delete": 1}},
            triggered_by=UserFactory(role="admin") if i % 2 else None,
        )
        for i in range(count)
    )


def erasure(admin, people: int) -> Erasure:
    person = UserFactory(role="trainee")
    UserFactory.create_batch(people, role="trainee")
    return Erasure.objects.create(
        person=person,
        reason="Begäran 2026/9",
        requested_by=admin,
        done_at=timezone.now(),
        categories_done={"profile": "anonymise", "application": "delete"},
        categories_kept={"contribution": "public records"},
    )


@pytest.mark.parametrize("size", [2, 30])
def test_the_retention_page_runs_a_fixed_number_of_queries(
    admin, size, django_assert_max_num_queries
):
    runs(size)
    client = client_for(admin)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("privacy:retention")).status_code == 200


@pytest.mark.parametrize("size", [2, 40])
def test_the_erasure_pages_run_a_fixed_number_of_queries(
    admin, size, django_assert_max_num_queries
):
    done = erasure(admin, size)
    client = client_for(admin)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("privacy:erase")).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("privacy:erase_done", args=[done.pk])).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("privacy:home")).status_code == 200
