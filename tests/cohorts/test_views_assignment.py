"""An assignment's page, changing it, its moves and the handover: the page for whoever
sees its cohort, everything else for the lab."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Assignment, AssignmentStatus
from cohorts.services.planning import assign_idea
from prototypes.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import (
    AssignmentFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
)
from tests.cohorts.planning_fixtures import make_plan
from tests.conftest import client_for, english

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(enrolment):
    """An assignment of the `trainee` persona's cohort, with the trainee on the team."""
    planned = AssignmentFactory(
        cohort=enrolment.cohort,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(weeks=6),
    )
    AssignmentMemberFactory(assignment=planned, enrolment=enrolment)
    return planned


DETAIL = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 200,  # on the team, in the cohort
    "supervisor": 200,  # of the cohort
    "other_trainee": 404,
    "department_staff": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", DETAIL)
def test_the_assignment_page_is_for_whoever_sees_its_cohort(request, assignment, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).get(reverse("cohorts:assignment_detail", args=[assignment.pk]))

    if DETAIL[persona] == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == DETAIL[persona]


def test_the_trainee_sees_the_team_but_no_buttons(assignment, trainee):
    html = (
        english(trainee)
        .get(reverse("cohorts:assignment_detail", args=[assignment.pk]))
        .content.decode()
    )

    assert "Tim Trainee" in html
    assert reverse("cohorts:assignment_update", args=[assignment.pk]) not in html
    assert reverse("cohorts:assignment_move", args=[assignment.pk]) not in html


@pytest.mark.parametrize(
    "name", ["cohorts:assignment_update", "cohorts:handover", "cohorts:assignment_move"]
)
@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff", "outsider"])
def test_changing_an_assignment_is_for_the_lab(request, assignment, persona, name):
    client = client_for(request.getfixturevalue(persona))
    url = reverse(name, args=[assignment.pk])

    assert client.post(url, {"target": "in_progress", "version": 1}).status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED


def test_an_unknown_assignment_is_404(lab_lead):
    assert (
        client_for(lab_lead).get(reverse("cohorts:assignment_detail", args=[987654])).status_code
        == 404
    )


# The lab's pages ------------------------------------------------------------------------------
@pytest.fixture
def plan(department_staff):
    return make_plan(department_staff)


@pytest.fixture
def planned(plan, lab_lead):
    return assign_idea(
        actor=lab_lead,
        idea=plan.idea,
        cohort=plan.cohort,
        team=[plan.anna, plan.bo],
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )


def test_the_lab_starts_and_finishes_an_assignment_from_its_page(planned, lab_lead):
    client = english(lab_lead)
    url = reverse("cohorts:assignment_move", args=[planned.pk])
    detail = reverse("cohorts:assignment_detail", args=[planned.pk])
    html = client.get(detail).content.decode()
    assert "Start work" in html and "Cancel the plan" in html

    response = client.post(url, {"target": "in_progress", "version": planned.version})

    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == AssignmentStatus.IN_PROGRESS
    assert planned.idea.status == IdeaStatus.IN_PROGRESS
    # work has begun: the plan is no longer cancelled, only finished or handed over
    html = client.get(detail).content.decode()
    assert "Cancel the plan" not in html and "Mark as done" in html

    client.post(url, {"target": "done", "version": planned.version})

    planned.refresh_from_db()
    planned.idea.refresh_from_db()
    assert planned.status == AssignmentStatus.DONE
    assert planned.idea.status == IdeaStatus.DELIVERED


def test_a_move_from_an_old_page_is_refused_with_a_message(planned, lab_lead):
    client = english(lab_lead)
    url = reverse("cohorts:assignment_move", args=[planned.pk])

    response = client.post(
        url, {"target": "in_progress", "version": planned.version + 3}, follow=True
    )

    assert "Someone else changed this assignment" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == AssignmentStatus.PLANNED


def test_the_lab_changes_the_team(planned, plan, lab_lead):
    client = english(lab_lead)
    url = reverse("cohorts:assignment_update", args=[planned.pk])
    page = client.get(url)
    assert page.context["chosen"] == {plan.anna.pk, plan.bo.pk}

    response = client.post(
        url,
        {
            "team": [plan.anna.pk, plan.cia.pk],
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "version": planned.version,
        },
    )

    assert response.status_code == 302
    assert set(planned.members.all()) == {plan.anna, plan.cia}


def test_a_stale_team_change_keeps_the_choices_against_the_saved_version(planned, plan, lab_lead):
    client = english(lab_lead)

    response = client.post(
        reverse("cohorts:assignment_update", args=[planned.pk]),
        {
            "team": [plan.cia.pk],
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "version": planned.version - 1,
        },
    )

    assert response.status_code == 400
    assert "Someone else changed this assignment" in response.content.decode()
    assert response.context["chosen"] == {plan.cia.pk}
    assert response.context["form"].data["version"] == str(planned.version)


def test_the_lab_hands_work_over_to_the_next_cohort(planned, plan, lab_lead):
    client = english(lab_lead)
    client.post(
        reverse("cohorts:assignment_move", args=[planned.pk]),
        {"target": "in_progress", "version": planned.version},
    )
    planned.refresh_from_db()
    start = plan.cohort.ends_on - datetime.timedelta(weeks=4)
    autumn = CohortFactory(
        name="Omgång Höst", starts_on=start, ends_on=start + datetime.timedelta(weeks=30)
    )
    dani = EnrolmentFactory(
        cohort=autumn, trainee=UserFactory(role="trainee", full_name="Dani Dahl")
    )
    url = reverse("cohorts:handover", args=[planned.pk])

    page = client.get(url)
    assert page.context["picked"] == autumn
    assert [r.candidate.name for r in page.context["ranked"]] == ["Dani Dahl"]

    response = client.post(
        url,
        {
            "cohort": autumn.pk,
            "team": [dani.pk],
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(weeks=8)).isoformat(),
            "handover_notes": "Koden finns i GitLab.",
            "version": planned.version,
        },
    )

    new = Assignment.objects.get(continues=planned)
    assert response.status_code == 302
    assert response.url == reverse("cohorts:assignment_detail", args=[new.pk])
    html = client.get(response.url).content.decode()
    assert "Koden finns i GitLab." in html and "Dani Dahl" in html
    planned.refresh_from_db()
    assert planned.status == AssignmentStatus.HANDED_OVER


def test_a_planned_assignment_is_not_handed_over(planned, lab_lead):
    response = client_for(lab_lead).get(reverse("cohorts:handover", args=[planned.pk]))

    assert response.status_code == 302
    assert response.url == reverse("cohorts:assignment_detail", args=[planned.pk])


def test_the_lab_cancels_a_plan_with_a_reason_after_confirming(planned, lab_lead):
    client = english(lab_lead)
    url = reverse("cohorts:assignment_cancel", args=[planned.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "back to the backlog" in page.content.decode()

    # no reason: the page again, with the message, nothing cancelled
    response = client.post(url, {"reason": " ", "version": planned.version})
    assert response.status_code == 400
    assert "Give a reason for cancelling." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == AssignmentStatus.PLANNED

    response = client.post(url, {"reason": "Budgeten drogs in.", "version": planned.version})

    assert response.status_code == 302
    assert response.url == reverse("cohorts:board")
    planned.refresh_from_db()
    planned.idea.refresh_from_db()
    assert planned.status == AssignmentStatus.CANCELLED
    assert planned.idea.status == IdeaStatus.ACCEPTED
    # a cancelled plan has no cancel page any more
    again = client.get(url)
    assert (again.status_code, again.url) == (
        302,
        reverse("cohorts:assignment_detail", args=[planned.pk]),
    )


def test_a_cancel_from_an_old_page_is_refused_with_a_message(planned, lab_lead):
    response = english(lab_lead).post(
        reverse("cohorts:assignment_cancel", args=[planned.pk]),
        {"reason": "Budgeten drogs in.", "version": planned.version - 1},
    )

    assert response.status_code == 400
    assert "Someone else changed this assignment" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == AssignmentStatus.PLANNED
