"""The weekly log pages and the start-page panels read a fixed number of queries,
whether the cohort has 4 trainees with 10 weeks of logs or 40 with a year of them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.trainees.factories import MilestoneTypeFactory
from trainees.models import LogComment, Milestone, ProgressLog, monday_of

SIZES = ((4, 10), (40, 52))
# Session and user (2) and the page's own reads: 6 on the log list (the trainee or this
# week's log, enrolments, split, count, page, weeks logged); two spare.
MAX_QUERIES = 10
# The start page also carries the other apps' panels (the project's bound for it).
MAX_START_PAGE_QUERIES = 14


@pytest.fixture
def cohort(enrolment):
    """The trainee persona's cohort, begun 60 weeks ago so a year of logs fits in it."""
    cohort = enrolment.cohort
    cohort.starts_on = monday_of(timezone.localdate()) - datetime.timedelta(weeks=60)
    cohort.ends_on = cohort.starts_on + datetime.timedelta(weeks=80)
    cohort.save()
    return cohort


def grow(cohort, lab_lead, trainees, weeks):
    """Enrol trainees up to `trainees`, each with a log for each of the last `weeks`
    weeks (every other one naming blockers, every third commented) and milestones."""
    this_monday = monday_of(timezone.localdate())
    existing = cohort.enrolments.count()
    people = [
        UserFactory(role="trainee", full_name=f"Praktikant {n:03d}")
        for n in range(existing, trainees)
    ]
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, trainee=p, starts_on=cohort.starts_on, ends_on=cohort.ends_on)
        for p in people
    )
    for enrolment in cohort.enrolments.select_related("trainee"):
        have = set(enrolment.trainee.progress_logs.values_list("week", flat=True))
        logs = ProgressLog.objects.bulk_create(
            ProgressLog(
                trainee=enrolment.trainee,
                enrolment=enrolment,
                week=this_monday - datetime.timedelta(weeks=n),
                hours_practical=Decimal(30 + n % 5),
                hours_education=Decimal(n % 9),
                did="Arbetade med prototypen.",
                blockers="Väntar på åtkomst" if n % 2 else "",
                prototypes_text="Bygglovsguiden",
            )
            for n in range(1, weeks + 1)
            if this_monday - datetime.timedelta(weeks=n) not in have
        )
        LogComment.objects.bulk_create(
            LogComment(log=log, author=lab_lead, body="Bra!") for log in logs[::3]
        )
        for _ in range(4 - enrolment.trainee.milestones.count()):
            Milestone.objects.create(
                trainee=enrolment.trainee,
                type=MilestoneTypeFactory(),
                due_on=timezone.localdate() + datetime.timedelta(days=7),
            )


def assert_same_bounded_count(cohort, lab_lead, client, url, max_queries=MAX_QUERIES):
    counts = []
    for trainees, weeks in SIZES:
        grow(cohort, lab_lead, trainees, weeks)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{url} at {trainees}x{weeks}"
        counts.append(len(queries))
    assert ProgressLog.objects.count() == 40 * 52
    assert counts[0] == counts[1], f"{url}: {counts} queries at {SIZES}"
    assert counts[1] <= max_queries, f"{url}: {counts[1]} queries"


@pytest.fixture
def small_pages(settings):
    """Pages of three, so that both sizes have a next page: a list that fits one page
    is not counted (`paginate_window`), one query fewer."""
    settings.PAGE_SIZE = 3


@pytest.mark.usefixtures("small_pages")
def test_own_log_list_has_bounded_queries(cohort, trainee, lab_lead):
    assert_same_bounded_count(cohort, lab_lead, client_for(trainee), reverse("trainees:log_list"))


@pytest.mark.usefixtures("small_pages")
def test_log_list_of_a_trainee_has_bounded_queries(cohort, trainee, supervisor, lab_lead):
    url = f"{reverse('trainees:log_list')}?trainee={trainee.pk}&page=2"

    assert_same_bounded_count(cohort, lab_lead, client_for(supervisor), url)


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("persona", ["supervisor", "lab_lead"])
def test_trainee_picker_has_bounded_queries(request, cohort, lab_lead, persona):
    client = client_for(request.getfixturevalue(persona))

    assert_same_bounded_count(cohort, lab_lead, client, reverse("trainees:log_list"))


def test_log_detail_has_bounded_queries(cohort, trainee, supervisor, lab_lead):
    grow(cohort, lab_lead, 1, 1)
    log = trainee.progress_logs.get()
    LogComment.objects.bulk_create(
        LogComment(log=log, author=supervisor, body=f"Kommentar {n}") for n in range(30)
    )

    assert_same_bounded_count(
        cohort, lab_lead, client_for(supervisor), reverse("trainees:log_detail", args=[log.pk])
    )


@pytest.mark.parametrize("persona", ["trainee", "supervisor"])
def test_start_page_panels_have_bounded_queries(request, cohort, lab_lead, persona):
    client = client_for(request.getfixturevalue(persona))

    assert_same_bounded_count(
        cohort, lab_lead, client, reverse("core:home"), max_queries=MAX_START_PAGE_QUERIES
    )
