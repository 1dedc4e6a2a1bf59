"""The inbox's organisation filter: the departments to choose from are the chosen
organisation's (none before one is chosen), so the page does not grow with the
number of departments in the country; an older `?department=` link implies its
organisation; department staff see neither select."""

import re

import pytest
from django.urls import reverse

from labportal.accounts.models import Department
from tests.accounts.factories import DepartmentFactory, OrganisationFactory
from tests.conftest import client_for, english
from tests.prototypes.factories import IdeaFactory
from tests.prototypes.test_query_counts import MAX_QUERIES
from tests.prototypes.test_views_inbox import inbox, titles
from tests.querycount import assert_bounded_queries

__all__ = ["inbox"]
URL = reverse("prototypes:list")


def department_options(response) -> set[str]:
    """The values of the department select's options other than the empty one."""
    select = re.search(r'<select name="department".*?</select>', response.content.decode(), re.S)
    assert select is not None
    return set(re.findall(r'<option value="(\d+)"', select.group(0)))


def test_the_organisation_filter_narrows_the_inbox(lab_lead, inbox):
    response = client_for(lab_lead).get(URL, {"organisation": inbox["other"].organisation_id})

    assert response.status_code == 200
    assert titles(response) == ["Snöröjningskarta"]


def test_without_an_organisation_no_department_is_offered(lab_lead, inbox):
    response = english(lab_lead).get(URL)

    html = response.content.decode()
    assert department_options(response) == set()
    assert '<option value="" selected>Choose an organisation first</option>' in html
    assert "Choose an organisation first: the list shows its departments." in html
    organisations = {inbox["home"].organisation_id, inbox["other"].organisation_id}
    assert {str(pk) for pk in organisations} <= set(re.findall(r'<option value="(\d+)"', html))


def test_the_departments_offered_are_the_chosen_organisations(lab_lead, inbox):
    home = inbox["home"]
    sibling = DepartmentFactory(organisation=home.organisation)

    response = english(lab_lead).get(URL, {"organisation": home.organisation_id})

    assert department_options(response) == {str(home.pk), str(sibling.pk)}
    assert '<option value="" selected>Any department</option>' in response.content.decode()


def test_an_old_department_link_still_filters_and_selects_its_organisation(lab_lead, inbox):
    other = inbox["other"]

    response = english(lab_lead).get(URL, {"department": other.pk})

    assert titles(response) == ["Snöröjningskarta"]
    html = response.content.decode()
    assert f'<option value="{other.organisation_id}" selected>' in html
    assert f'<option value="{other.pk}" selected>' in html


def test_a_department_of_another_organisation_is_refused_with_the_form_error(lab_lead, inbox):
    response = english(lab_lead).get(
        URL, {"organisation": inbox["home"].organisation_id, "department": inbox["other"].pk}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-describedby="id_department_helptext id_department_error"' in html
    assert "Choose a department of the chosen organisation from the list." in html
    # the rest of the filter applies, as for any invalid field
    assert set(titles(response)) == {"Parkeringstillstånd", "Bibliotekets bokningar"}


def test_an_unknown_organisation_is_refused_with_the_form_error(lab_lead, inbox):
    response = english(lab_lead).get(URL, {"organisation": "999999999"})

    assert response.status_code == 200
    assert "Choose an organisation from the list." in response.content.decode()
    assert department_options(response) == set()


def test_department_staff_see_neither_select(department_staff, inbox):
    response = client_for(department_staff).get(
        URL, {"organisation": inbox["other"].organisation_id}
    )

    html = response.content.decode()
    assert 'name="organisation"' not in html and 'name="department"' not in html
    assert "Snöröjningskarta" not in set(titles(response))


def departments(count: int, organisations: int, *, ideas: bool = True) -> list[Department]:
    owners = OrganisationFactory.create_batch(organisations)
    made = [DepartmentFactory(organisation=owners[i % organisations]) for i in range(count)]
    for department in made if ideas else ():
        IdeaFactory(department=department)
    return made


def grow_departments(counts: dict[int, tuple[int, int]]):
    """A `grow_to(size)` for `assert_bounded_queries`: (departments, organisations) more."""

    def grow_to(size: int) -> None:
        departments(*counts[size])

    return grow_to


@pytest.mark.django_db
def test_the_inbox_does_not_grow_with_the_departments(django_assert_max_num_queries, lab_lead):
    client = client_for(lab_lead)
    departments(5, 1)
    small = client.get(URL)
    # Without ideas of their own, so that only the filter could grow.
    departments(45, 4, ideas=False)
    large = client.get(URL)

    # Four more organisations to choose from; not one of the 45 more departments.
    assert department_options(small) == department_options(large) == set()
    assert len(large.content) - len(small.content) < 1_000
    grow_to = grow_departments({5: (5, 1), 50: (45, 4)})
    assert_bounded_queries(
        django_assert_max_num_queries, client, URL, grow_to, MAX_QUERIES, sizes=(5, 50)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("old_link", [False, True])
def test_an_organisations_inbox_has_bounded_queries(
    django_assert_max_num_queries, lab_lead, old_link
):
    chosen = departments(5, 1)[0]
    params = f"department={chosen.pk}" if old_link else f"organisation={chosen.organisation_id}"
    client = client_for(lab_lead)
    grow_to = grow_departments({5: (0, 1), 50: (45, 4)})

    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        f"{URL}?{params}",
        grow_to,
        MAX_QUERIES,
        sizes=(5, 50),
    )
    assert len(department_options(client.get(f"{URL}?{params}"))) == 5
