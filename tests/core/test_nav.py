"""The menu: each app contributes its entries (`labportal.core.nav`); the menu shows
them in one order, to those who may follow them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from labportal.core import nav
from tests.conftest import english

START = ("Start", reverse("core:home"))
IDEAS = ("Ideas", reverse("prototypes:list"))
PEOPLE = ("People", reverse("accounts:user_list"))
INVITATIONS = ("Invitations", reverse("accounts:invitation_list"))
ORGANISATIONS = ("Organisations", reverse("accounts:organisation_list"))
SKILLS = ("Skills", reverse("core:skill_list"))
AUDIT = ("Audit log", reverse("core:audit_list"))
TRAINEES = ("Trainees", reverse("trainees:list"))
COHORTS = ("Cohorts", reverse("cohorts:list"))
PLANNING = ("Planning", reverse("cohorts:board"))
APPLICANTS = ("Applicants", reverse("cohorts:applicant_list"))
EMPLOYERS = ("Employers", reverse("cohorts:employer_list"))
ENDING_SOON = ("Ending soon", reverse("cohorts:placement"))
REPORTS = ("Reports", reverse("reports:dashboard"))
PERSONAL_DATA = ("Personal data", reverse("privacy:home"))
LAB_MENU = [
    START,
    IDEAS,
    TRAINEES,
    COHORTS,
    PLANNING,
    APPLICANTS,
    EMPLOYERS,
    ENDING_SOON,
    PEOPLE,
    INVITATIONS,
]
MY_LOGS = ("My weekly logs", reverse("trainees:log_list"))
PROGRESS_LOGS = ("Progress logs", reverse("trainees:log_list"))


@pytest.mark.parametrize(
    ("persona", "menu"),
    [
        (
            "admin",
            [*LAB_MENU, ORGANISATIONS, SKILLS, REPORTS, PERSONAL_DATA, AUDIT],
        ),
        (
            "lab_lead",
            [*LAB_MENU, SKILLS, REPORTS],
        ),
        ("department_staff", [START, IDEAS, SKILLS]),
        ("supervisor", [START, PROGRESS_LOGS, SKILLS]),
        ("trainee", None),
    ],
)
def test_menu_lists_each_apps_entries_in_order_for_the_persona(request, persona, menu):
    response = english(request.getfixturevalue(persona)).get(reverse("core:home"))
    if menu is None:  # the trainee's own profile is theirs alone
        menu = [
            START,
            ("My profile", reverse("trainees:profile", args=[response.context["user"].pk])),
            MY_LOGS,
            SKILLS,
        ]

    items = response.context["nav_items"]
    assert [(str(item["label"]), item["url"]) for item in items] == menu
    assert [item["current"] for item in items] == [True] + [False] * (len(menu) - 1)


def test_menu_marks_the_section_of_the_current_page(department_staff):
    response = english(department_staff).get(reverse("prototypes:create"))

    current = [str(item["label"]) for item in response.context["nav_items"] if item["current"]]
    assert current == ["Ideas"]


def test_menu_is_empty_for_anonymous_visitors(db):
    assert nav.entries_for(AnonymousUser()) == []
    assert nav.entries_for(None) == []
