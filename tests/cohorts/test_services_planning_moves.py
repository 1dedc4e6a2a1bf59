"""An assignment's moves and handovers (`cohorts.services.planning_moves`): the idea
follows through the ideas' workflow; a handover keeps the history on both teams."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cohorts import access
from cohorts.models import ACTIVE_ASSIGNMENT, Assignment, AssignmentStatus
from cohorts.services.planning import assign_idea
from cohorts.services.planning_moves import cancel_assignment, hand_over, move_assignment
from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import IdeaEvent, IdeaStatus
from prototypes.services.status import transition_idea
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


def test_a_move_the_table_does_not_have_is_refused_naming_both(assignment, lab_lead):
    with pytest.raises(ValidationError, match="“Planned” cannot become “Done”"):
        move(assignment, lab_lead, AssignmentStatus.DONE)


# Cancelling ----------------------------------------------------------------------------
def test_cancelling_a_plan_sends_the_idea_back_to_the_backlog_with_the_reason(
    assignment, lab_lead, department_staff, plan
):
    emails_before = OutboxEmail.objects.filter(to=department_staff.email).count()

    cancel_assignment(
        actor=lab_lead,
        assignment=assignment,
        expected_version=assignment.version,
        reason="  Förvaltningen har köpt ett färdigt system.  ",
    )

    assignment.refresh_from_db()
    idea = assignment.idea
    idea.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
    assert (idea.status, idea.ready_to_plan) == (IdeaStatus.ACCEPTED, True)
    event = assignment.events.get(kind="cancelled")
    assert (event.from_status, event.note) == (
        AssignmentStatus.PLANNED,
        "Förvaltningen har köpt ett färdigt system.",
    )
    idea_event = IdeaEvent.objects.get(idea=idea, to_status=IdeaStatus.ACCEPTED)
    assert idea_event.note == "Förvaltningen har köpt ett färdigt system."
    assert AuditEntry.objects.filter(action="assignment.cancelled").count() == 1
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == emails_before + 1
    # the idea is on the backlog again and can be planned anew
    assert idea in access.ideas_to_plan(lab_lead)
    again = assign_idea(
        actor=lab_lead,
        idea=idea,
        cohort=plan.cohort,
        team=[plan.anna],
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        assign_anyway=True,  # a team of one: the warnings are not what this is about
    )
    assert again.status == AssignmentStatus.PLANNED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_without_a_reason_changes_nothing(assignment, lab_lead, reason):
    with pytest.raises(ValidationError) as excinfo:
        cancel_assignment(
            actor=lab_lead,
            assignment=assignment,
            expected_version=assignment.version,
            reason=reason,
        )
    assert "note" in excinfo.value.message_dict
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PLANNED
    assert assignment.idea.status == IdeaStatus.PLANNED
    assert not assignment.events.filter(kind="cancelled").exists()


def test_cancelling_is_for_plans_whose_work_has_not_started(assignment, lab_lead):
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    assert not access.can_cancel_assignment(lab_lead, assignment)

    with pytest.raises(ValidationError, match="has not started"):
        cancel_assignment(
            actor=lab_lead,
            assignment=assignment,
            expected_version=assignment.version,
            reason="Behövs inte längre.",
        )
    # ... and the move page sends a cancel to its own page
    with pytest.raises(ValidationError) as excinfo:
        move(assignment, lab_lead, AssignmentStatus.CANCELLED, note="Behövs inte längre.")
    assert excinfo.value.code == "not_offered"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS


def test_cancelling_is_the_labs(assignment, trainee):
    with pytest.raises(PermissionDenied):
        cancel_assignment(
            actor=trainee,
            assignment=assignment,
            expected_version=assignment.version,
            reason="Nej",
        )


@pytest.mark.parametrize("started", [False, True])
def test_archiving_the_idea_ends_its_plan(assignment, lab_lead, started):
    if started:
        move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    idea = assignment.idea
    idea.refresh_from_db()

    transition_idea(actor=lab_lead, idea=idea, target=IdeaStatus.ARCHIVED, note="Inaktuell.")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
    event = assignment.events.get(kind="cancelled")
    assert event.note == "The idea was archived.\nInaktuell."
    assert not Assignment.objects.filter(idea=idea, status__in=ACTIVE_ASSIGNMENT).exists()


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
    assert new.continues == assignment
    assert list(new.members.all()) == [dani]
    assert new.handover_notes.startswith("Koden finns")
    assert assignment.events.filter(kind="handed_over").exists()
    assert new.events.filter(kind="continued").exists()
    new.idea.refresh_from_db()
    assert new.idea.status == IdeaStatus.IN_PROGRESS
    # the next team starts later: its plan waits until then, and is changed, not cancelled
    assert starts_on > timezone.localdate()
    assert new.status == AssignmentStatus.PLANNED
    assert not access.can_cancel_assignment(lab_lead, new)
    with pytest.raises(ValidationError, match="handed over"):
        cancel_assignment(
            actor=lab_lead, assignment=new, expected_version=new.version, reason="Nej"
        )
    # starting it moves the assignment alone: the idea is in progress already
    events_before = IdeaEvent.objects.filter(idea=new.idea).count()
    move(new, lab_lead, AssignmentStatus.IN_PROGRESS)
    new.refresh_from_db()
    assert new.status == AssignmentStatus.IN_PROGRESS
    assert IdeaEvent.objects.filter(idea=new.idea).count() == events_before


def test_handover_from_today_is_in_progress_at_once(assignment, lab_lead, next_cohort):
    cohort, dani = next_cohort
    move(assignment, lab_lead, AssignmentStatus.IN_PROGRESS)
    today = timezone.localdate()
    cohort.starts_on = today - datetime.timedelta(days=7)
    cohort.save()
    dani.starts_on = cohort.starts_on
    dani.save()

    new = hand_over(
        actor=lab_lead,
        assignment=assignment,
        cohort=cohort,
        team=[dani],
        starts_on=today,
        ends_on=today + datetime.timedelta(weeks=4),
        notes="Fortsätt med inloggningen.",
        expected_version=assignment.version,
        assign_anyway=True,  # a short stint: the warnings are not what this is about
    )

    assert new.status == AssignmentStatus.IN_PROGRESS


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
