"""The dashboard and the exports page at any data size: scoped to the user's own
organisation by default (`?organisation=<id>|all`), the cohorts and departments to
choose from those of the chosen organisation (another refused with a message), the
outcome table a page of groups at a time with the same figures as the whole report,
the ideas table the departments with the most ideas and one line for the others;
a fixed number of queries and a page that does not grow with the data."""

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from labportal.accounts.models import Department
from reports import views
from reports.figures import Filters, outcome_report
from reports.ideas import SHOWN_DEPARTMENTS
from tests.accounts.factories import DepartmentFactory, OrganisationFactory
from tests.cohorts.factories import CohortFactory
from tests.conftest import english
from tests.prototypes.factories import IdeaFactory
from tests.reports.test_figures import enrol
from trainees.models import OutcomeCategory

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")
EXPORTS = reverse("reports:exports")
C = OutcomeCategory


@pytest.fixture
def home():
    """The lab lead's organisation, hosting two cohorts, and a department."""
    home = OrganisationFactory(name="Hemkommunen")
    for name in ("Omgång Hem 1", "Omgång Hem 2"):
        cohort = CohortFactory(name=name, organisation=home)
        for _ in range(5):
            enrol(cohort, [(0, C.EMPLOYED_IT)], job_after_days=10)
    DepartmentFactory(name="Hemförvaltningen", organisation=home)
    return home


@pytest.fixture
def away():
    away = OrganisationFactory(name="Grannkommunen")
    cohort = CohortFactory(name="Omgång Granne", organisation=away)
    for _ in range(5):
        enrol(cohort, [(0, C.JOB_SEEKING)])
    DepartmentFactory(name="Grannförvaltningen", organisation=away)
    return away


@pytest.fixture
def home_lead(lab_lead, home):
    lab_lead.organisation = home
    lab_lead.save(update_fields=["organisation"])
    return lab_lead


def labels(response):
    return [line.label for line in response.context["report"].lines]


def test_the_dashboard_shows_the_users_own_organisation_by_default(home_lead, home, away):
    response = english(home_lead).get(URL)

    assert response.status_code == 200
    assert labels(response) == ["Omgång Hem 1", "Omgång Hem 2"]
    assert response.context["form"].scope_id == home.pk
    assert [name for _pk, name in response.context["cohort_options"]] == [
        "Omgång Hem 1",
        "Omgång Hem 2",
    ]
    assert [name for _pk, name in response.context["department_options"]] == ["Hemförvaltningen"]
    html = response.content.decode()
    assert "Omgång Granne" not in html and "Grannförvaltningen" not in html
    # the links to the exports name the scope, so they export what the page shows
    assert f"?organisation={home.pk}" in html


def test_every_organisation_when_asked_or_when_the_users_has_nothing_to_report(
    lab_lead, home, away
):
    # the lab lead of the fixture belongs to no organisation
    default = english(lab_lead).get(URL)
    everyone = english(lab_lead).get(URL, {"organisation": "all"})

    for response in (default, everyone):
        assert response.status_code == 200
        assert labels(response) == ["Omgång Granne", "Omgång Hem 1", "Omgång Hem 2"]
        # no cohort or department to choose until an organisation is chosen
        assert response.context["cohort_options"] == []
        assert response.context["department_options"] == []
        assert "Choose an organisation to pick one of its cohorts" in response.content.decode()


def test_the_organisations_offered_are_those_with_something_to_report(lab_lead, home, away):
    OrganisationFactory(name="Tomma kommunen")

    response = english(lab_lead).get(URL)

    assert [label for _value, label in response.context["organisation_options"]] == [
        "All organisations",
        "Grannkommunen",
        "Hemkommunen",
    ]


def test_an_older_link_to_a_cohort_shows_the_cohorts_organisation(home_lead, away):
    granne = Cohort.objects.get(name="Omgång Granne")

    response = english(home_lead).get(URL, {"cohort": granne.pk})

    assert response.status_code == 200
    assert response.context["form"].scope_id == away.pk
    assert labels(response) == ["Omgång Granne"]


@pytest.mark.parametrize("url", [URL, EXPORTS])
def test_a_cohort_or_department_of_another_organisation_is_refused(home_lead, home, away, url):
    granne = Cohort.objects.get(name="Omgång Granne")
    other_department = Department.objects.get(name="Grannförvaltningen")
    client = english(home_lead)

    cohort = client.get(url, {"organisation": home.pk, "cohort": granne.pk})
    department = client.get(url, {"organisation": home.pk, "department": other_department.pk})
    everyone = client.get(url, {"organisation": "all", "cohort": granne.pk})
    organisation = client.get(url, {"organisation": "999999"})

    assert cohort.status_code == department.status_code == everyone.status_code == 400
    assert organisation.status_code == 400
    assert "Choose a cohort of the chosen organisation from the list." in cohort.content.decode()
    assert "Choose a department of the chosen organisation from the list." in (
        department.content.decode()
    )
    assert "Choose a cohort of the chosen organisation from the list." in everyone.content.decode()
    assert "Choose an organisation from the list." in organisation.content.decode()
    assert "report" not in cohort.context


def test_the_exports_of_the_default_scope_are_the_users_organisation(home_lead, home):
    response = english(home_lead).get(EXPORTS)

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("reports:export", args=["figures", "csv"]) + f"?organisation={home.pk}" in html


def test_the_outcome_table_shows_a_page_of_groups_with_the_figures_of_the_whole_report(
    lab_lead,
):
    place = OrganisationFactory(name="Storstaden")
    for n in range(views.GROUPS_PER_PAGE + 3):
        cohort = CohortFactory(name=f"Omgång {n:02}", organisation=place)
        for _ in range(1 + n % 6):
            enrol(cohort, [(0, C.EMPLOYED_IT if n % 2 else C.JOB_SEEKING)], job_after_days=n)
    client = english(lab_lead)

    first = client.get(URL, {"organisation": place.pk})
    second = client.get(URL, {"organisation": place.pk, "page": 2})

    whole = outcome_report("cohort", Filters(organisation_id=place.pk))
    assert first.context["report"] == whole  # suppressed over every group, as exported
    assert list(first.context["page"].object_list) == whole.lines[: views.GROUPS_PER_PAGE]
    assert list(second.context["page"].object_list) == whole.lines[views.GROUPS_PER_PAGE :]
    for chart in first.context["charts"]:
        assert len(chart.bars) == views.GROUPS_PER_PAGE
    html = first.content.decode()
    assert '<th scope="row">Omgång 00</th>' in html
    assert '<th scope="row">Omgång 27</th>' not in html
    assert f"Groups 1 to {views.GROUPS_PER_PAGE} of {len(whole.lines)}" in html
    assert whole.total.trainees.text in html  # the total of every group, on each page
    # the exports and the PDF have every line: their links do not carry the page
    assert "page=2" not in second.content.decode().split("Exports of these figures")[0]


def test_the_ideas_table_shows_the_departments_with_the_most_ideas_and_the_others(lab_lead):
    place = OrganisationFactory(name="Idékommunen")
    for n in range(SHOWN_DEPARTMENTS + 4):
        department = DepartmentFactory(name=f"Förvaltning {n:02}", organisation=place)
        IdeaFactory.create_batch(1 + (n >= 4), department=department, status="submitted")

    response = english(lab_lead).get(URL, {"organisation": place.pk})

    table = response.context["departments"]
    assert len(table.lines) == SHOWN_DEPARTMENTS
    assert all(line.submitted == 2 for line in table.lines)
    assert table.other_count == 4
    assert table.others.submitted == 4
    assert table.total.submitted == 2 * SHOWN_DEPARTMENTS + 4
    assert "4 other departments" in response.content.decode()


@pytest.mark.parametrize("size", [1, 40])
def test_the_dashboard_and_exports_stay_small_and_take_the_same_queries(
    django_assert_max_num_queries, home_lead, home, size
):
    place = OrganisationFactory(name="Växande kommun")
    for n in range(size):
        cohort = CohortFactory(name=f"Växande {n:02}", organisation=place)
        enrol(cohort, [(0, C.EMPLOYED_IT)], job_after_days=n)
        department = DepartmentFactory(organisation=place)
        IdeaFactory(department=department, status="submitted")
    client = english(home_lead)
    client.get(URL)  # sessions and the like warmed up

    for params in ({}, {"organisation": "all"}, {"organisation": place.pk}):
        with django_assert_max_num_queries(15):
            dashboard = client.get(URL, params)
        with django_assert_max_num_queries(12):
            exports = client.get(EXPORTS, params)
        assert dashboard.status_code == exports.status_code == 200
        assert len(dashboard.context["page"].object_list) <= views.GROUPS_PER_PAGE
        assert len(dashboard.content) < 60_000
