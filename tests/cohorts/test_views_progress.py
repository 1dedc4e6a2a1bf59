"""The cohort progress page: each trainee's last log, missing weeks, hours split,
open blockers and milestones, sortable, filterable and paged."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.conftest import client_for, english
from tests.trainees.factories import MilestoneFactory, ProgressLogFactory
from trainees.models import MilestoneStatus, monday_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONDAY = monday_of(TODAY)


def weeks_ago(n):
    return THIS_MONDAY - datetime.timedelta(weeks=n)


def log(trainee, n, practical=32, education=8, **kwargs):
    return ProgressLogFactory(
        trainee=trainee,
        week=weeks_ago(n),
        hours_practical=Decimal(practical),
        hours_education=Decimal(education),
        **kwargs,
    )


@pytest.fixture
def cohort(db):
    """Ten weeks old; four trainees: Anna logs every week, Bo stopped three weeks ago and
    is blocked, Cecilia never logged, David joined on a Wednesday two weeks ago."""
    cohort = CohortFactory(
        name="Omgång Vår",
        starts_on=weeks_ago(10),
        ends_on=weeks_ago(10) + datetime.timedelta(weeks=40),
        education_target_percent=20,
    )
    anna = UserFactory(role="trainee", full_name="Anna Andersson")
    bo = UserFactory(role="trainee", full_name="Bo Berg")
    cecilia = UserFactory(role="trainee", full_name="Cecilia Carlsson")
    david = UserFactory(role="trainee", full_name="David Dahl")
    for trainee in (anna, bo, cecilia):
        EnrolmentFactory(cohort=cohort, trainee=trainee)
    EnrolmentFactory(
        cohort=cohort, trainee=david, starts_on=weeks_ago(2) + datetime.timedelta(days=2)
    )
    for n in range(0, 11):
        log(anna, n)  # this week's too: counted in hours, not in missing weeks
    for n in range(3, 11):
        log(bo, n, practical=38, education=2, blockers="" if n > 3 else "Väntar på behörighet")
    log(bo, 12)  # before the enrolment: neither a week nor hours of it
    MilestoneFactory(trainee=anna, due_on=TODAY + datetime.timedelta(days=5))
    MilestoneFactory(trainee=anna, due_on=TODAY - datetime.timedelta(days=1))
    MilestoneFactory(
        trainee=anna,
        due_on=TODAY - datetime.timedelta(days=3),
        status=MilestoneStatus.DONE,
        done_at=timezone.now(),
    )
    MilestoneFactory(trainee=bo, due_on=TODAY + datetime.timedelta(days=20))
    MilestoneFactory(trainee=bo, due_on=TODAY - datetime.timedelta(days=30))
    MilestoneFactory(trainee=bo, due_on=TODAY, status=MilestoneStatus.SKIPPED)
    return cohort


def rows(client, cohort, query=""):
    response = client.get(reverse("cohorts:progress", args=[cohort.pk]) + query)
    assert response.status_code == 200
    return {row.trainee.full_name: row for row in response.context["page"].object_list}


def names(client, cohort, query=""):
    response = client.get(reverse("cohorts:progress", args=[cohort.pk]) + query)
    return [row.trainee.full_name for row in response.context["page"].object_list]


def test_progress_counts_last_log_and_missing_weeks(lab_lead, cohort):
    by_name = rows(client_for(lab_lead), cohort)

    assert by_name["Anna Andersson"].last_week_logged == THIS_MONDAY
    assert (by_name["Anna Andersson"].owed_weeks, by_name["Anna Andersson"].missing_weeks) == (
        10,
        0,
    )
    assert by_name["Bo Berg"].last_week_logged == weeks_ago(3)
    assert by_name["Bo Berg"].missing_weeks == 2
    assert by_name["Cecilia Carlsson"].last_week_logged is None
    assert by_name["Cecilia Carlsson"].missing_weeks == 10
    # Joined on a Wednesday two weeks ago: owes that week and last week.
    assert (by_name["David Dahl"].owed_weeks, by_name["David Dahl"].missing_weeks) == (2, 2)


def test_progress_sums_hours_in_the_enrolment_and_marks_shares_below_target(lab_lead, cohort):
    by_name = rows(client_for(lab_lead), cohort)

    anna, bo, cecilia = by_name["Anna Andersson"], by_name["Bo Berg"], by_name["Cecilia Carlsson"]
    assert (anna.hours_practical, anna.hours_education) == (Decimal(32 * 11), Decimal(8 * 11))
    assert (anna.education_share, anna.below_target) == (20, False)
    assert (bo.hours_practical, bo.hours_education) == (Decimal(38 * 8), Decimal(2 * 8))
    assert (bo.education_share, bo.below_target) == (5, True)
    assert cecilia.education_share is None
    assert not cecilia.below_target


def test_progress_shows_open_blockers_of_the_last_log_and_milestones(lab_lead, cohort):
    by_name = rows(client_for(lab_lead), cohort)

    assert by_name["Bo Berg"].has_blockers
    assert not by_name["Anna Andersson"].has_blockers
    assert not by_name["Cecilia Carlsson"].has_blockers
    assert (by_name["Anna Andersson"].due_soon, by_name["Anna Andersson"].overdue) == (1, 1)
    assert (by_name["Bo Berg"].due_soon, by_name["Bo Berg"].overdue) == (0, 1)


def test_progress_page_renders_the_figures_in_words(lab_lead, cohort):
    response = english(lab_lead).get(reverse("cohorts:progress", args=[cohort.pk]))

    html = response.content.decode()
    assert "Progress of Omgång Vår" in html
    assert f"Week {weeks_ago(3).isocalendar().week}, {weeks_ago(3).isocalendar().year}" in html
    assert "None yet" in html
    assert "5 % education" in html
    assert "below target" in html
    assert "1 overdue" in html
    assert reverse("trainees:milestones", args=[cohort.enrolments.first().trainee_id]) in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Anna Andersson", "Bo Berg", "Cecilia Carlsson", "David Dahl"]),
        ("name", ["Anna Andersson", "Bo Berg", "Cecilia Carlsson", "David Dahl"]),
        ("last_log", ["Cecilia Carlsson", "David Dahl", "Bo Berg", "Anna Andersson"]),
        ("missing", ["Cecilia Carlsson", "Bo Berg", "David Dahl", "Anna Andersson"]),
        ("education", ["Cecilia Carlsson", "David Dahl", "Bo Berg", "Anna Andersson"]),
    ],
)
def test_progress_sorts(lab_lead, cohort, sort, expected):
    assert names(client_for(lab_lead), cohort, f"?sort={sort}") == expected


def test_progress_filters_by_name_blockers_and_lag(lab_lead, cohort):
    client = client_for(lab_lead)

    assert names(client, cohort, "?q=bo") == ["Bo Berg"]
    assert names(client, cohort, "?q=carl+cec") == ["Cecilia Carlsson"]
    assert names(client, cohort, "?blockers=on") == ["Bo Berg"]
    assert names(client, cohort, "?behind=on&sort=name") == [
        "Bo Berg",
        "Cecilia Carlsson",
        "David Dahl",
    ]
    assert names(client, cohort, "?behind=on&blockers=on") == ["Bo Berg"]


def test_progress_filter_without_matches_says_so(lab_lead, cohort):
    response = english(lab_lead).get(reverse("cohorts:progress", args=[cohort.pk]) + "?q=zz")

    assert "No trainee matches the filter." in response.content.decode()


def test_progress_pages_keep_the_filter(lab_lead, cohort, settings):
    settings.PAGE_SIZE = 2
    client = client_for(lab_lead)

    first = names(client, cohort, "?sort=missing")
    second = names(client, cohort, "?sort=missing&page=2")
    response = client.get(reverse("cohorts:progress", args=[cohort.pk]) + "?sort=missing")

    assert first + second == ["Cecilia Carlsson", "Bo Berg", "David Dahl", "Anna Andersson"]
    assert "sort=missing&amp;page=2" in response.content.decode()


def test_progress_of_a_cohort_without_trainees_is_empty(lab_lead):
    cohort = CohortFactory()

    response = english(lab_lead).get(reverse("cohorts:progress", args=[cohort.pk]))

    assert "No trainees are enrolled in this cohort yet." in response.content.decode()


def test_progress_of_a_cohort_that_has_not_started_owes_nothing(lab_lead):
    cohort = CohortFactory(starts_on=TODAY + datetime.timedelta(days=30))
    EnrolmentFactory(cohort=cohort)

    [row] = rows(client_for(lab_lead), cohort).values()

    assert (row.owed_weeks, row.missing_weeks) == (0, 0)


def test_progress_of_a_finished_cohort_counts_weeks_up_to_its_end(lab_lead):
    cohort = CohortFactory(starts_on=weeks_ago(30), ends_on=weeks_ago(20) + datetime.timedelta(4))
    trainee = EnrolmentFactory(cohort=cohort).trainee
    log(trainee, 25)

    [row] = rows(client_for(lab_lead), cohort).values()

    assert (row.owed_weeks, row.missing_weeks) == (11, 10)


def test_cohort_list_links_each_cohort_to_its_page_and_progress(lab_lead, cohort):
    finished = CohortFactory(name="Omgång Höst", starts_on=weeks_ago(60), ends_on=weeks_ago(30))

    response = english(lab_lead).get(reverse("cohorts:list"))

    html = response.content.decode()
    assert [c.name for c in response.context["page"].object_list] == ["Omgång Vår", "Omgång Höst"]
    assert [c.trainee_count for c in response.context["page"].object_list] == [4, 0]
    assert reverse("cohorts:progress", args=[cohort.pk]) in html
    assert reverse("cohorts:detail", args=[cohort.pk]) in html
    assert reverse("cohorts:create") in html
    assert reverse("cohorts:progress", args=[finished.pk]) in html
