"""The cohort pages are the lab's: everyone else signed in gets 403, anonymous
visitors are sent to sign in, an unknown cohort is 404."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 403,
    "other_trainee": 403,
    "supervisor": 403,
    "department_staff": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
@pytest.mark.parametrize("name", ["cohorts:list", "cohorts:progress"])
def test_cohort_pages_are_for_the_lab(request, enrolment, persona, name):
    args = [enrolment.cohort_id] if name == "cohorts:progress" else []
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).get(reverse(name, args=args))

    if EXPECTED[persona] == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[persona]


def test_progress_of_an_unknown_cohort_is_404(lab_lead):
    response = client_for(lab_lead).get(reverse("cohorts:progress", args=[987654]))

    assert response.status_code == 404


def test_cohorts_menu_entry_only_for_the_lab(lab_lead, trainee, supervisor):
    url = reverse("cohorts:list")

    def menu(user):
        return [
            item["url"] for item in client_for(user).get(reverse("core:home")).context["nav_items"]
        ]

    assert url in menu(lab_lead)
    assert url not in menu(trainee)
    assert url not in menu(supervisor)
