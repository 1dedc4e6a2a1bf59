"""The people list's organisation filter: the departments to choose from are the
chosen organisation's (none before one is chosen), so the page does not grow with
the number of departments; an older `?department=` link implies its organisation."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import DepartmentFactory, OrganisationFactory, UserFactory
from tests.conftest import client_for, english
from tests.querycount import assert_bounded_queries

pytestmark = pytest.mark.django_db
URL = reverse("accounts:user_list")
# Session, user, MFA check, the organisations, the departments (when one is chosen),
# the department an older link names, the page and its count.
MAX_QUERIES = 8


def names(response) -> set[str]:
    return {user.full_name for user in response.context["page"].object_list}


def department_options(response) -> set[str]:
    select = re.search(r'<select name="department".*?</select>', response.content.decode(), re.S)
    assert select is not None
    return set(re.findall(r'<option value="(\d+)"', select.group(0)))


@pytest.fixture
def people():
    home, away = OrganisationFactory(name="Hemkommunen"), OrganisationFactory(name="Grannkommunen")
    build, school = (DepartmentFactory(organisation=home, name=n) for n in ("Bygg", "Skola"))
    roads = DepartmentFactory(organisation=away, name="Väg")
    for name, department in (("Bea Bygg", build), ("Sam Skola", school), ("Vera Väg", roads)):
        UserFactory(role="department_staff", department=department, full_name=name)
    return {"home": home, "away": away, "build": build, "school": school, "roads": roads}


def test_the_organisation_filter_narrows_the_people(admin, people):
    response = client_for(admin).get(URL, {"organisation": people["home"].pk})

    assert names(response) == {"Bea Bygg", "Sam Skola"}
    assert department_options(response) == {str(people["build"].pk), str(people["school"].pk)}


def test_without_an_organisation_no_department_is_offered(admin, people):
    response = english(admin).get(URL)

    html = response.content.decode()
    assert department_options(response) == set()
    assert '<option value="" selected>Choose an organisation first</option>' in html
    assert {"Bea Bygg", "Sam Skola", "Vera Väg"} <= names(response)


def test_an_old_department_link_still_filters_and_selects_its_organisation(admin, people):
    response = client_for(admin).get(URL, {"department": people["roads"].pk})

    assert names(response) == {"Vera Väg"}
    html = response.content.decode()
    assert f'<option value="{people["away"].pk}" selected>' in html
    assert f'<option value="{people["roads"].pk}" selected>' in html


def test_a_department_of_another_organisation_is_refused_with_the_form_error(admin, people):
    response = english(admin).get(
        URL, {"organisation": people["home"].pk, "department": people["roads"].pk}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a department of the chosen organisation from the list." in html
    assert 'aria-invalid="true"' in html
    assert names(response) == {"Bea Bygg", "Sam Skola"}


def grow(counts: dict[int, tuple[int, int]]):
    def grow_to(size: int) -> None:
        departments, organisations = counts[size]
        owners = OrganisationFactory.create_batch(organisations)
        for i in range(departments):
            DepartmentFactory(organisation=owners[i % organisations])

    return grow_to


def test_the_people_list_does_not_grow_with_the_departments(django_assert_max_num_queries, admin):
    client = client_for(admin)
    grow({5: (5, 1)})(5)
    small = client.get(URL)
    grow({50: (45, 4)})(50)
    large = client.get(URL)

    assert department_options(small) == department_options(large) == set()
    assert len(large.content) - len(small.content) < 1_000
    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        URL,
        grow({5: (5, 1), 50: (45, 4)}),
        MAX_QUERIES,
        sizes=(5, 50),
    )


@pytest.mark.parametrize("old_link", [False, True])
def test_an_organisations_people_have_bounded_queries(
    django_assert_max_num_queries, admin, people, old_link
):
    params = f"department={people['build'].pk}" if old_link else f"organisation={people['home'].pk}"
    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(admin),
        f"{URL}?{params}",
        grow({5: (5, 1), 50: (45, 4)}),
        MAX_QUERIES,
        sizes=(5, 50),
    )
