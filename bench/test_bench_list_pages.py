"""Speed targets for list pages at a large municipality's size (run: `make bench`).

Not part of `make test`: timings depend on the machine. Targets are medians on
a 2-core machine with the local PostgreSQL.
"""

import statistics
import time

import pytest
from django.db import connection
from django.urls import reverse

from labportal.accounts.models import Invitation, User, hash_token
from tests.accounts.factories import UserFactory, give_totp
from tests.conftest import client_for

ROWS = 20_000
TARGET_MEDIAN_MS = 150


def bulk_people(count: int) -> None:
    User.objects.bulk_create(
        User(email=f"bench{i}@example.se", full_name=f"Person {i:05d}", role="trainee")
        for i in range(count)
    )
    admin = User.objects.filter(role="admin").first()
    from django.utils import timezone

    Invitation.objects.bulk_create(
        Invitation(
            email=f"inv{i}@example.se",
            role="trainee",
            invited_by=admin,
            token_hash=hash_token(str(i)),
            expires_at=timezone.now(),
        )
        for i in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_ms(client, url: str, runs: int = 15) -> float:
    client.get(url)  # warm up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("accounts:user_list", ""),
        ("accounts:user_list", "?q=Person+1999"),
        ("accounts:user_list", "?page=400"),
        ("accounts:invitation_list", ""),
        ("accounts:invitation_list", "?q=inv7"),
    ],
)
def test_list_page_speed(url_name, query):
    admin = give_totp(UserFactory(role="admin"))
    bulk_people(ROWS)
    url = reverse(url_name) + query
    elapsed = median_ms(client_for(admin), url)
    print(f"\n{url} with {ROWS} rows: median {elapsed:.1f} ms (target {TARGET_MEDIAN_MS} ms)")
    assert elapsed < TARGET_MEDIAN_MS
