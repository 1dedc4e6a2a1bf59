"""The start page's cohort panel: a trainee's cohort with their active prototypes and
teammates; a supervisor's cohorts; nothing for the lab or departments."""

import pytest
from django.urls import reverse

from cohorts.models import AssignmentMember, AssignmentStatus
from tests.cohorts.factories import AssignmentFactory, EnrolmentFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def panel_of(user):
    panels = client_for(user).get(reverse("core:home")).context["panels"]
    found = [p for p in panels if p["template"] == "cohorts/includes/_start_panel_cohorts.html"]
    return found[0] if found else None


def test_trainee_sees_their_cohort_and_active_prototypes_with_the_team(enrolment):
    teammate = EnrolmentFactory(cohort=enrolment.cohort)
    active = AssignmentFactory(cohort=enrolment.cohort, status=AssignmentStatus.IN_PROGRESS)
    done = AssignmentFactory(cohort=enrolment.cohort, status=AssignmentStatus.DONE)
    for assignment in (active, done):
        AssignmentMember.objects.create(assignment=assignment, enrolment=enrolment)
    AssignmentMember.objects.create(assignment=active, enrolment=teammate)

    panel = panel_of(enrolment.trainee)

    assert panel["cohorts"] == [enrolment.cohort]
    assert panel["cohorts"][0].trainee_count == 2
    assert panel["assignments"] == [active]
    content = client_for(enrolment.trainee).get(reverse("core:home")).content.decode()
    assert str(teammate.trainee) in content
    assert reverse("cohorts:assignment_detail", args=[active.pk]) in content


def test_supervisor_sees_the_cohorts_they_supervise(supervisor, enrolment):
    panel = panel_of(supervisor)

    assert panel["cohorts"] == [enrolment.cohort]
    assert panel["assignments"] == []


@pytest.mark.parametrize("persona", ["lab_lead", "department_staff", "trainee"])
def test_no_panel_for_the_lab_departments_or_a_trainee_without_a_cohort(request, persona):
    assert panel_of(request.getfixturevalue(persona)) is None


def test_panel_costs_the_same_queries_for_many_assignments(
    enrolment, django_assert_max_num_queries
):
    client = client_for(enrolment.trainee)
    for size in (1, 12):
        while enrolment.memberships.count() < size:
            assignment = AssignmentFactory(cohort=enrolment.cohort)
            AssignmentMember.objects.create(assignment=assignment, enrolment=enrolment)
            AssignmentMember.objects.create(
                assignment=assignment, enrolment=EnrolmentFactory(cohort=enrolment.cohort)
            )
        with django_assert_max_num_queries(22):
            client.get(reverse("core:home"))
