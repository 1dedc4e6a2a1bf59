"""The outcome dashboard: admins and lab leads only; the figures with their charts and
the same numbers in tables; a period ending before it starts refused with a message;
a bounded number of queries whatever the data."""

import datetime

import pytest
from django.urls import reverse

from tests.cohorts.factories import CohortFactory
from tests.conftest import client_for, english
from tests.prototypes.factories import IdeaFactory
from tests.reports.test_figures import enrol
from trainees.models import FollowUpStatus, OutcomeCategory

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")
C = OutcomeCategory


@pytest.fixture
def cohort():
    cohort = CohortFactory(
        name="Omgång Vår", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 30)
    )
    for _ in range(8):
        enrol(cohort, [(0, C.EMPLOYED_IT)], job_after_days=14)
    for _ in range(6):
        enrol(
            cohort,
            [(0, C.JOB_SEEKING), (3, C.EMPLOYED_OTHER)],
            job_after_days=60,
            follow_up=(3, FollowUpStatus.ANSWERED),
        )
    return cohort


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("lab_lead", 200),
        ("department_staff", 403),
        ("trainee", 403),
        ("supervisor", 403),
        ("outsider", 403),
    ],
)
def test_the_dashboard_is_for_admins_and_lab_leads(request, persona, status):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(URL).status_code == status


def test_the_dashboard_asks_anonymous_visitors_to_sign_in():
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_dashboard_shows_each_cohorts_figures_in_a_chart_and_a_table(cohort, lab_lead):
    html = english(lab_lead).get(URL).content.decode()

    assert "Omgång Vår" in html
    # in work at the end: 8 of 14; after 3 months 6 of 6; the median of 8 x 14 and 6 x 60
    assert "8 (57 %)" in html
    assert "6 (100 %)" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Share in work at the end of the programme" in html
    assert "<caption>" in html
    assert "<td>14</td>" in html  # the median days to a job


def test_the_dashboard_hides_small_groups(cohort, lab_lead):
    small = CohortFactory(name="Omgång Liten")
    enrol(small, [(0, C.EMPLOYED_IT)])

    response = english(lab_lead).get(URL)

    lines = {line.label: line for line in response.context["report"].lines}
    assert lines["Omgång Liten"].trainees.hidden
    assert "&lt;5" in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(lab_lead):
    response = english(lab_lead).get(URL, {"starts": "2025-06-01", "ends": "2025-01-01"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "The end of the period comes before its start." in html
    assert "report" not in response.context


def test_the_period_filters_outcomes_and_ideas(cohort, lab_lead, department):
    IdeaFactory(department=department, status="submitted")

    response = english(lab_lead).get(URL, {"starts": "2026-01-01", "group": "year"})

    assert response.status_code == 200
    assert response.context["report"].lines == []
    assert "No programme ended in this period." in response.content.decode()


@pytest.mark.parametrize("cohorts", [1, 8])
def test_the_dashboard_takes_the_same_queries_whatever_the_data(
    django_assert_max_num_queries, lab_lead, department, cohorts
):
    for n in range(cohorts):
        made = CohortFactory(name=f"Omgång {n}")
        for _ in range(n + 1):
            enrol(made, [(0, C.EMPLOYED_IT)], job_after_days=n)
        IdeaFactory(department=department, status="submitted")
    client = english(lab_lead)
    client.get(URL)  # sessions and the like warmed up

    with django_assert_max_num_queries(14):
        response = client.get(URL, {"group": "cohort"})

    assert len(response.context["report"].lines) == cohorts


@pytest.mark.parametrize("cohorts", [1, 8])
def test_the_exports_and_export_job_pages_take_the_same_queries_whatever_the_data(
    django_assert_max_num_queries, admin, department, cohorts
):
    from reports.figures import Filters
    from reports.jobs import build_export, request_export

    for n in range(cohorts):
        made = CohortFactory(name=f"Omgång {n}")
        for _ in range(n + 1):
            enrol(made, [(0, C.EMPLOYED_IT)], job_after_days=n)
    job = request_export(actor=admin, filters=Filters(), file_format="csv")
    build_export(job.pk)
    client = english(admin)
    client.get(reverse("reports:exports"))  # sessions and the like warmed up

    with django_assert_max_num_queries(12):
        exports = client.get(reverse("reports:exports"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("reports:export_job", args=[job.pk]))

    assert exports.status_code == page.status_code == 200
    assert "Download the file" in page.content.decode()
