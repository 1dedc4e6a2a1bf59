"""Assigning an idea to a team (`cohorts.services.planning`): the idea moves to
"planned" through the ideas' workflow in the same transaction, refusals name the
conflict, warnings refuse unless the lead plans anyway, and nothing is half-saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cohorts import matching
from cohorts.models import Assignment, AssignmentEvent, AssignmentStatus
from cohorts.services.planning import PlanningWarnings, assign_idea, update_assignment
from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import IdeaEvent, IdeaStatus
from tests.cohorts.factories import (
    AssignmentFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
    PlannableIdeaFactory,
)
from tests.cohorts.planning_fixtures import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(department_staff):
    return make_plan(department_staff)


def assign(plan, actor, team=None, **overrides):
    values = {
        "actor": actor,
        "idea": plan.idea,
        "cohort": plan.cohort,
        "team": team if team is not None else [plan.anna, plan.bo],
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
    }
    return assign_idea(**{**values, **overrides})


def test_assign_idea_plans_the_team_and_moves_the_idea_to_planned(plan, lab_lead):
    assignment = assign(plan, lab_lead)

    assignment.refresh_from_db()
    plan.idea.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED
    assert assignment.created_by == lab_lead
    assert set(assignment.members.all()) == {plan.anna, plan.bo}
    assert (assignment.starts_on, assignment.ends_on) == (plan.starts_on, plan.ends_on)
    assert plan.idea.status == IdeaStatus.PLANNED
    event = IdeaEvent.objects.get(idea=plan.idea, to_status=IdeaStatus.PLANNED)
    assert "Anna Andersson" in event.note and plan.cohort.name in event.note
    assert AssignmentEvent.objects.get(assignment=assignment).kind == "planned"
    assert AuditEntry.objects.filter(action="assignment.created").exists()


def test_assign_idea_emails_the_submitter_as_usual(plan, lab_lead, department_staff):
    assign(plan, lab_lead)

    email = OutboxEmail.objects.get(to=department_staff.email)
    assert plan.idea.title in email.subject + email.body_text
    assert "Anna Andersson" in email.body_text


@pytest.mark.parametrize("persona", ["trainee", "department_staff", "supervisor"])
def test_assign_idea_is_refused_to_anyone_but_the_lab(request, plan, persona):
    with pytest.raises(PermissionDenied):
        assign(plan, request.getfixturevalue(persona))
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"),
    [(IdeaStatus.DECLINED, "“Declined”"), (IdeaStatus.SUBMITTED, "“Submitted”")],
)
def test_assign_idea_refuses_an_idea_that_is_not_accepted(plan, lab_lead, status, words):
    plan.idea.status = status
    plan.idea.save()

    with pytest.raises(ValidationError) as excinfo:
        assign(plan, lab_lead)

    assert words in excinfo.value.messages[0]
    assert not Assignment.objects.exists()


def test_assign_idea_refuses_an_idea_already_planned_naming_its_plan(plan, lab_lead):
    assign(plan, lab_lead)

    with pytest.raises(ValidationError) as excinfo:
        assign(plan, lab_lead, team=[plan.cia])

    assert "already planned" in excinfo.value.messages[0]
    assert plan.cohort.name in excinfo.value.messages[0]
    assert Assignment.objects.count() == 1


def test_assign_idea_refuses_an_idea_not_ready_to_plan(plan, lab_lead):
    plan.idea.ready_to_plan = False
    plan.idea.save()

    with pytest.raises(ValidationError, match="ready to plan"):
        assign(plan, lab_lead)


def test_an_active_plan_the_status_did_not_show_is_caught_by_the_constraint(plan, lab_lead):
    # given: an active assignment made beside the services (the admin), idea still accepted
    stray = AssignmentFactory(idea=plan.idea, cohort=plan.cohort)
    Assignment.objects.filter(pk=stray.pk).update(status=AssignmentStatus.IN_PROGRESS)

    with pytest.raises(ValidationError, match="already"):
        assign(plan, lab_lead)

    plan.idea.refresh_from_db()
    assert plan.idea.status == IdeaStatus.ACCEPTED
    assert Assignment.objects.count() == 1


def test_the_unique_constraint_refusal_leaves_nothing_half_saved(plan, lab_lead, monkeypatch):
    # the status check passes (no active plan yet), the insert meets the constraint
    from cohorts.services import planning

    monkeypatch.setattr(planning, "plan_blocker", lambda idea: None)
    AssignmentFactory(idea=plan.idea, cohort=plan.cohort)  # planned, the idea accepted

    with pytest.raises(ValidationError, match="already has an active plan"):
        assign(plan, lab_lead)

    assert Assignment.objects.count() == 1
    assert not AssignmentEvent.objects.exists()
    plan.idea.refresh_from_db()
    assert plan.idea.status == IdeaStatus.ACCEPTED


@pytest.mark.parametrize("team", [[], None])
def test_assign_idea_needs_a_team(plan, lab_lead, team):
    with pytest.raises(ValidationError) as excinfo:
        assign(plan, lab_lead, team=team or [])
    assert "team" in excinfo.value.message_dict


def test_assign_idea_refuses_a_trainee_of_another_cohort(plan, lab_lead):
    stranger = EnrolmentFactory(cohort=CohortFactory(starts_on=plan.cohort.starts_on))

    with pytest.raises(ValidationError) as excinfo:
        assign(plan, lab_lead, team=[plan.anna, stranger])

    assert "is not enrolled in Omgång Vår" in excinfo.value.message_dict["team"][0]


def test_assign_idea_refuses_a_trainee_who_left_early(plan, lab_lead):
    plan.bo.left_early = True
    plan.bo.save()

    with pytest.raises(ValidationError, match="left the programme"):
        assign(plan, lab_lead)


def test_assign_idea_refuses_an_end_before_the_start(plan, lab_lead):
    with pytest.raises(ValidationError) as excinfo:
        assign(plan, lab_lead, ends_on=plan.starts_on - datetime.timedelta(days=1))
    assert "ends_on" in excinfo.value.message_dict


def test_assign_idea_refuses_a_period_when_the_cohort_does_not_run(plan, lab_lead):
    later = plan.cohort.ends_on + datetime.timedelta(days=30)

    with pytest.raises(ValidationError, match="does not run"):
        assign(plan, lab_lead, starts_on=later, ends_on=later + datetime.timedelta(weeks=4))


# Warnings ----------------------------------------------------------------------------------
def test_overbooking_a_trainee_is_refused_unless_planned_anyway(plan, lab_lead, settings):
    settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS = 1
    other = AssignmentFactory(
        idea=PlannableIdeaFactory(status=IdeaStatus.PLANNED),
        cohort=plan.cohort,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    AssignmentMemberFactory(assignment=other, enrolment=plan.anna)

    with pytest.raises(PlanningWarnings) as excinfo:
        assign(plan, lab_lead)

    assert [w.code for w in excinfo.value.warnings] == [matching.OVERBOOKED]
    assert "Anna Andersson is already on 1 active assignment" in excinfo.value.messages[0]
    assert Assignment.objects.count() == 1

    assignment = assign(plan, lab_lead, assign_anyway=True)

    assert "Assigned despite the warnings" in assignment.events.get().note


def test_running_past_an_enrolment_end_is_warned(plan, lab_lead):
    plan.bo.ends_on = plan.starts_on + datetime.timedelta(weeks=2)
    plan.bo.save()

    with pytest.raises(PlanningWarnings) as excinfo:
        assign(plan, lab_lead)

    assert [w.code for w in excinfo.value.warnings] == [matching.OUTSIDE_ENROLMENT]
    assert "Bo Berg" in excinfo.value.messages[0]


def test_too_big_an_idea_for_the_team_and_the_cohort_is_warned(plan, lab_lead):
    plan.idea.size_weeks = 40
    plan.idea.save()

    with pytest.raises(PlanningWarnings) as excinfo:
        assign(plan, lab_lead)

    assert {w.code for w in excinfo.value.warnings} == {matching.TOO_LITTLE_TIME, matching.CAPACITY}


# Changing the team and dates ---------------------------------------------------------------
def test_update_assignment_changes_the_team_and_dates_with_a_version(plan, lab_lead):
    assignment = assign(plan, lab_lead)
    later = plan.ends_on + datetime.timedelta(weeks=2)

    update_assignment(
        actor=lab_lead,
        assignment=assignment,
        team=[plan.anna, plan.cia],
        starts_on=plan.starts_on,
        ends_on=later,
        expected_version=assignment.version,
    )

    assignment.refresh_from_db()
    assert set(assignment.members.all()) == {plan.anna, plan.cia}
    assert assignment.ends_on == later
    assert assignment.version == 2
    assert "Team: Anna Andersson, Cia Castro." in assignment.events.get(kind="changed").note


def test_update_assignment_refuses_an_outdated_version(plan, lab_lead):
    assignment = assign(plan, lab_lead)

    with pytest.raises(ValidationError) as excinfo:
        update_assignment(
            actor=lab_lead,
            assignment=assignment,
            team=[plan.cia],
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            expected_version=assignment.version - 1,
        )

    assert excinfo.value.code == "conflict"
    assert set(assignment.members.all()) == {plan.anna, plan.bo}


def test_update_assignment_does_not_count_the_assignment_against_its_own_team(
    plan, lab_lead, settings
):
    settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS = 1
    assignment = assign(plan, lab_lead)

    update_assignment(
        actor=lab_lead,
        assignment=assignment,
        team=[plan.anna, plan.bo],
        starts_on=plan.starts_on,
        ends_on=plan.ends_on + datetime.timedelta(days=7),
        expected_version=assignment.version,
    )

    assignment.refresh_from_db()
    assert assignment.version == 2
