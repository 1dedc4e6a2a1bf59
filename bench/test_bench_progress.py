"""Speed of the cohort progress page with a large cohort (run: `make bench`).

300 trainees with a year of weekly logs each (15,600 logs) and six milestones each,
beside the Django admin's changelist of the same logs, measured in the same run: the
admin's list is the yardstick of "a plain paged list of these rows" on this machine,
and the progress page computes a dozen figures per trainee on top. Targets are
medians on a 2-core machine."""

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.test_bench_list_pages import median_ms
from cohorts.models import Cohort, Enrolment
from labportal.accounts.models import Organisation, User
from tests.accounts.factories import UserFactory, give_totp
from tests.conftest import client_for
from trainees.models import Milestone, MilestoneStatus, MilestoneType, ProgressLog, monday_of

TRAINEES = 300
WEEKS = 52
TARGET_MEDIAN_MS = 250
# The progress page may cost at most this many times the admin's plain list of the logs
# (measured: about 0.4 to 0.9).
TARGET_RATIO = 2


def bulk_cohort() -> Cohort:
    rng = random.Random(11)  # noqa: S311 - repeatable test data, not secrets
    this_monday = monday_of(timezone.localdate())
    start = this_monday - datetime.timedelta(weeks=WEEKS + 2)
    cohort = Cohort.objects.create(
        name="Stor omgång",
        organisation=Organisation.objects.create(name="Benchkommun"),
        starts_on=start,
        ends_on=start + datetime.timedelta(weeks=80),
    )
    trainees = User.objects.bulk_create(
        User(email=f"praktikant{i}@example.se", full_name=f"Praktikant {i:03d}", role="trainee")
        for i in range(TRAINEES)
    )
    Enrolment.objects.bulk_create(Enrolment(cohort=cohort, trainee=t) for t in trainees)
    ProgressLog.objects.bulk_create(
        (
            ProgressLog(
                trainee=trainee,
                week=this_monday - datetime.timedelta(weeks=n),
                hours_practical=Decimal(rng.randint(20, 36)),
                hours_education=Decimal(rng.randint(0, 12)),
                did="Byggde vidare på prototypen och skrev tester. " * 5,
                learned="Lärde mig mer om databaser.",
                blockers="Väntar på behörighet" if rng.random() < 0.2 else "",
            )
            for trainee in trainees
            for n in range(1, WEEKS + 1)
            if rng.random() < 0.9  # a tenth of the weeks are missing
        ),
        batch_size=2000,
    )
    types = list(MilestoneType.objects.all())
    offsets = itertools.cycle([-20, -3, 5, 12, 30, 60])
    Milestone.objects.bulk_create(
        Milestone(
            trainee=trainee,
            type=kind,
            due_on=timezone.localdate() + datetime.timedelta(days=next(offsets)),
            status=MilestoneStatus.PLANNED,
        )
        for trainee in trainees
        for kind in types
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cohort


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=education",
        "?sort=missing&behind=on",
        "?blockers=on&sort=last_log",
        "?q=praktikant+12",
        "?page=12",
    ],
)
def test_progress_page_speed_beside_the_admin_list_of_logs(query):
    admin = give_totp(UserFactory(role="admin"))
    cohort = bulk_cohort()
    client = client_for(admin)

    progress_url = reverse("cohorts:progress", args=[cohort.pk]) + query
    admin_url = reverse("admin:trainees_progresslog_changelist")
    progress = median_ms(client, progress_url, runs=9)
    changelist = median_ms(client, admin_url, runs=9)
    ratio = progress / changelist

    logs = ProgressLog.objects.count()
    print(
        f"\n{progress_url} with {TRAINEES} trainees and {logs} logs: median {progress:.1f} ms "
        f"(target {TARGET_MEDIAN_MS} ms); admin changelist of the logs {changelist:.1f} ms; "
        f"ratio {ratio:.2f} (target below {TARGET_RATIO})"
    )
    assert progress < TARGET_MEDIAN_MS
    assert ratio < TARGET_RATIO
