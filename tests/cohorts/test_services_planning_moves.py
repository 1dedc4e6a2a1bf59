"""An assignment's moves and handovers (`cohorts.services.planning_moves`): the idea
follows through the ideas' workflow; a handover keeps the history on both teams."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cohorts.models import Assignment, AssignmentStatus
from cohorts.services.planning import assign_idea
from cohorts.services.planning_moves import hand_over, move_assignment, offered_moves
from labportal.core.models import OutboxEmail
from prototypes.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.cohorts.planning_fixtures import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(department_staff):
    return make_plan(department_staff)


@pytest.fixture
def assignment(plan, lab_lead):
    return assign_idea(
        actor=lab_lead,
        idea=plan.idea,
        cohort=plan.cohort,
        team=[plan.anna, plan.bo],
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )


def move(assignment, actor, target, **kwargs):
    return move_assignment(
        actor=actor,
        assignment=assignment,
        target=target,
        expected_version=assignment.version,
        **kwargs,
    )


def test_starting_work_moves_the_idea_to_in_progress(assignment, lab_lead, department_staff):
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS
    assert assignment.idea.status == IdeaStatus.IN_PROGRESS
    assert assignment.events.filter(kind="started").exists()
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == 2


def test_done_moves_the_idea_to_delivered(assignment, lab_lead):
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    move(assignment, lab_lead, AssignmentStatus.DONE, note="Levererad till förvaltningen.")

    assignment.refresh_from_db()
    assignment.idea.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE
    assert assignment.idea.status == IdeaStatus.DELIVERED
    assert assignment.idea.delivered_at is not None


def test_a_move_follows_an_idea_already_moved_on_its_page(assignment, lab_lead):
    assignment.idea.status = IdeaStatus.IN_PROGRESS
    assignment.idea.save()

    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS


def test_a_move_the_table_does_not_have_is_refused_naming_both(assignment, lab_lead):
    with pytest.raises(ValidationError, match="“Planned” cannot become “Done”"):
        move(assignment, lab_lead, AssignmentStatus.DONE)


def test_cancelling_is_not_offered_while_the_idea_cannot_go_back(assignment, lab_lead):
    assert AssignmentStatus.CANCELLED not in [m.target for m in offered_moves(assignment)]

    with pytest.raises(ValidationError, match="cannot be cancelled"):
        move(assignment, lab_lead, AssignmentStatus.CANCELLED, note="Behövs inte längre.")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED


def test_a_move_on_an_outdated_page_is_refused(assignment, lab_lead):
    with pytest.raises(ValidationError) as excinfo:
        move_assignment(
            actor=lab_lead,
            assignment=assignment,
            target=AssignmentStatus.IN_PROGRESS,
            expected_version=assignment.version + 1,
        )
    assert excinfo.value.code == "conflict"


def test_moves_are_the_labs(assignment, trainee):
    with pytest.raises(PermissionDenied):
        move(assignment, trainee, AssignmentStatus.IN_PROGRESS)


# Handover ------------------------------------------------------------------------------------
@pytest.fixture
def next_cohort(plan):
    start = plan.cohort.ends_on - datetime.timedelta(weeks=4)
    cohort = CohortFactory(
        name="Omgång Höst", starts_on=start, ends_on=start + datetime.timedelta(weeks=30)
    )
    return cohort, EnrolmentFactory(
        cohort=cohort, trainee=UserFactory(role="trainee", full_name="Dani Dahl")
    )


def test_handover_continues_the_work_in_another_cohort(assignment, lab_lead, next_cohort, plan):
    cohort, dani = next_cohort
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    starts_on = cohort.starts_on + datetime.timedelta(days=1)

    new = hand_over(
        actor=lab_lead,
        assignment=assignment,
        cohort=cohort,
        team=[dani],
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=8),
        notes="Koden finns i GitLab; nästa steg är inloggningen.",
        expected_version=assignment.version,
    )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.HANDED_OVER
    assert new.status == AssignmentStatus.IN_PROGRESS
    assert new.continues == assignment
    assert list(new.members.all()) == [dani]
    assert new.handover_notes.startswith("Koden finns")
    assert assignment.events.filter(kind="handed_over").exists()
    assert new.events.filter(kind="continued").exists()
    new.idea.refresh_from_db()
    assert new.idea.status == IdeaStatus.IN_PROGRESS


def test_handover_needs_notes_and_another_cohort(assignment, lab_lead, next_cohort, plan):
    cohort, dani = next_cohort
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    values = {
        "actor": lab_lead,
        "assignment": assignment,
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate() + datetime.timedelta(weeks=8),
        "expected_version": assignment.version,
    }

    with pytest.raises(ValidationError) as excinfo:
        hand_over(cohort=cohort, team=[dani], notes="  ", **values)
    assert "handover_notes" in excinfo.value.message_dict

    with pytest.raises(ValidationError) as excinfo:
        hand_over(cohort=plan.cohort, team=[plan.cia], notes="Anteckningar", **values)
    assert "cohort" in excinfo.value.message_dict
    assert Assignment.objects.count() == 1


def test_only_work_in_progress_is_handed_over(assignment, lab_lead, next_cohort):
    cohort, dani = next_cohort

    with pytest.raises(ValidationError, match="“Planned” cannot become “Handed over”"):
        hand_over(
            actor=lab_lead,
            assignment=assignment,
            cohort=cohort,
            team=[dani],
            starts_on=cohort.starts_on,
            ends_on=cohort.starts_on + datetime.timedelta(weeks=4),
            notes="Anteckningar",
            expected_version=assignment.version,
        )
