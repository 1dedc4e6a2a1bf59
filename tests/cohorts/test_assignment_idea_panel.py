"""The plan on the idea's page (`cohorts.idea_panel`, through `prototypes.panels`): the
submitting department sees the cohort, the team's names and the dates; nobody else
outside the lab does; the page's query count stays bounded."""

import pytest
from django.urls import reverse
from django.utils import formats

from cohorts.idea_panel import plan_panel
from cohorts.models import Enrolment
from cohorts.services.planning import assign_idea
from prototypes.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import PlannableIdeaFactory
from tests.cohorts.planning_fixtures import make_plan
from tests.conftest import client_for, english
from tests.prototypes.test_query_counts import MAX_QUERIES
from tests.querycount import assert_bounded_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(department_staff, lab_lead):
    plan = make_plan(department_staff)
    assignment = assign_idea(
        actor=lab_lead,
        idea=plan.idea,
        cohort=plan.cohort,
        team=[plan.anna, plan.bo],
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    return plan, assignment


def test_the_submitter_sees_planned_with_the_cohort_dates_and_team(planned, department_staff):
    plan, assignment = planned

    html = english(department_staff).get(plan.idea.get_absolute_url()).content.decode()

    assert "Planned" in html
    assert plan.cohort.name in html
    assert formats.date_format(plan.starts_on, "SHORT_DATE_FORMAT") in html
    assert "Anna Andersson" in html and "Bo Berg" in html
    # department staff have no assignment pages
    assert reverse("cohorts:assignment_detail", args=[assignment.pk]) not in html


def test_a_colleague_of_the_department_sees_the_plan_too(planned, department_staff):
    plan, _ = planned
    colleague = UserFactory(role="department_staff", department=department_staff.department)

    assert "Anna Andersson" in english(colleague).get(plan.idea.get_absolute_url()).content.decode()


def test_the_lab_sees_the_plan_with_a_link_to_the_assignment(planned, lab_lead):
    plan, assignment = planned

    html = english(lab_lead).get(plan.idea.get_absolute_url()).content.decode()

    assert reverse("cohorts:assignment_detail", args=[assignment.pk]) in html


@pytest.mark.parametrize("persona", ["outsider", "trainee", "supervisor"])
def test_nobody_else_gets_the_panel(request, planned, persona):
    plan, _ = planned
    user = request.getfixturevalue(persona)

    assert plan_panel(user, plan.idea) is None


def test_an_outsider_does_not_see_the_idea_at_all(planned, outsider):
    plan, _ = planned

    assert client_for(outsider).get(plan.idea.get_absolute_url()).status_code == 404


def test_an_idea_never_planned_costs_no_query(django_assert_num_queries, department_staff):
    idea = PlannableIdeaFactory(department=department_staff.department)

    with django_assert_num_queries(0):
        assert plan_panel(department_staff, idea) is None


@pytest.mark.parametrize("persona", ["lab_lead", "department_staff"])
def test_the_idea_page_with_a_plan_has_bounded_queries(
    request, django_assert_max_num_queries, planned, persona
):
    plan, assignment = planned
    client = client_for(request.getfixturevalue(persona))

    def grow_to(size):
        # a bigger team (the page reads the team in one query whatever its size)
        existing = assignment.memberships.count()
        for n in range(existing, size // 5):
            person = UserFactory(role="trainee", full_name=f"Praktikant {n:03d}")
            enrolment = Enrolment.objects.create(
                cohort=plan.cohort,
                trainee=person,
                starts_on=plan.cohort.starts_on,
                ends_on=plan.cohort.ends_on,
            )
            assignment.memberships.create(enrolment=enrolment)

    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        plan.idea.get_absolute_url(),
        grow_to,
        MAX_QUERIES,
    )
    assert plan.idea.status != IdeaStatus.ACCEPTED
