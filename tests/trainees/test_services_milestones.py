"""Coaching milestones, called as services: adding one per type, due dates, the status
table (planned → done | not needed, done → planned) and the standard six."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.trainees.factories import MilestoneFactory, MilestoneTypeFactory
from trainees.models import Milestone, MilestoneStatus, MilestoneType
from trainees.services import milestones as services

pytestmark = pytest.mark.django_db

S = MilestoneStatus
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English; Swedish is the default."""
    with translation.override("en"):
        yield


def cv():
    return MilestoneType.objects.get(name_en="CV reviewed")


# Adding and changing ---------------------------------------------------------------------
def test_add_milestone_by_the_lab_is_audited(lab_lead, trainee):
    milestone = services.add_milestone(
        actor=lab_lead,
        trainee=trainee,
        milestone_type=cv(),
        due_on=TODAY + datetime.timedelta(days=30),
        note="  Ta med ditt senaste CV  ",
    )

    assert (milestone.status, milestone.note, milestone.done_at) == (
        S.PLANNED,
        "Ta med ditt senaste CV",
        None,
    )
    assert AuditEntry.objects.filter(action="milestone.added", object_id=str(milestone.pk)).exists()


def test_add_milestone_twice_for_the_same_type_is_refused_with_a_message(lab_lead, trainee):
    services.add_milestone(actor=lab_lead, trainee=trainee, milestone_type=cv(), due_on=TODAY)

    with pytest.raises(ValidationError) as error:
        services.add_milestone(actor=lab_lead, trainee=trainee, milestone_type=cv(), due_on=TODAY)

    assert "already has the milestone" in error.value.message_dict["type"][0]
    assert Milestone.objects.filter(trainee=trainee).count() == 1


def test_add_milestone_of_a_type_out_of_use_is_refused(lab_lead, trainee):
    retired = MilestoneTypeFactory(is_active=False)

    with pytest.raises(ValidationError) as error:
        services.add_milestone(actor=lab_lead, trainee=trainee, milestone_type=retired, due_on=None)

    assert "type" in error.value.message_dict
    assert not Milestone.objects.exists()


def test_add_milestone_only_for_trainees(lab_lead, department_staff):
    with pytest.raises(ValidationError):
        services.add_milestone(
            actor=lab_lead, trainee=department_staff, milestone_type=cv(), due_on=None
        )


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff", "outsider"])
def test_add_milestone_by_anyone_but_the_lab_is_refused(request, persona, trainee):
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.add_milestone(actor=actor, trainee=trainee, milestone_type=cv(), due_on=None)
    assert not Milestone.objects.exists()


def test_update_milestone_changes_due_date_and_note(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee, due_on=TODAY)
    later = TODAY + datetime.timedelta(days=21)

    services.update_milestone(actor=lab_lead, milestone=milestone, due_on=later, note="Flyttad")

    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.note) == (later, "Flyttad")
    entry = AuditEntry.objects.get(action="milestone.updated")
    assert entry.details == {"due_on_before": TODAY.isoformat(), "due_on": later.isoformat()}


def test_update_milestone_by_the_trainee_is_refused(trainee):
    milestone = MilestoneFactory(trainee=trainee, due_on=TODAY)

    with pytest.raises(PermissionDenied):
        services.update_milestone(actor=trainee, milestone=milestone, due_on=None, note="")
    milestone.refresh_from_db()
    assert milestone.due_on == TODAY


# The status table --------------------------------------------------------------------------
def test_status_table_is_the_documented_one():
    table = {(t.source, t.target): set(t.by) for t in services.TRANSITIONS}

    assert table == {
        (S.PLANNED, S.DONE): {"lab", "trainee"},
        (S.PLANNED, S.SKIPPED): {"lab"},
        (S.DONE, S.PLANNED): {"lab", "trainee"},
    }


def test_marking_done_stamps_the_time_and_reopening_clears_it(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee)

    services.change_milestone_status(actor=trainee, milestone=milestone, target=S.DONE)
    milestone.refresh_from_db()
    assert milestone.status == S.DONE
    assert milestone.done_at is not None

    services.change_milestone_status(actor=lab_lead, milestone=milestone, target=S.PLANNED)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.done_at) == (S.PLANNED, None)
    assert list(
        AuditEntry.objects.filter(action="milestone.status_changed")
        .order_by("pk")
        .values_list("details", flat=True)
    ) == [{"source": "planned", "target": "done"}, {"source": "done", "target": "planned"}]


def test_the_lab_marks_a_milestone_not_needed(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee)

    services.change_milestone_status(actor=lab_lead, milestone=milestone, target=S.SKIPPED)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.done_at) == (S.SKIPPED, None)


def test_the_trainee_may_not_mark_a_milestone_not_needed(trainee):
    milestone = MilestoneFactory(trainee=trainee)

    with pytest.raises(PermissionDenied):
        services.change_milestone_status(actor=trainee, milestone=milestone, target=S.SKIPPED)
    milestone.refresh_from_db()
    assert milestone.status == S.PLANNED


@pytest.mark.parametrize("persona", ["other_trainee", "supervisor", "department_staff"])
def test_nobody_else_changes_a_trainees_milestone(request, persona, trainee):
    milestone = MilestoneFactory(trainee=trainee)

    with pytest.raises(PermissionDenied):
        services.change_milestone_status(
            actor=request.getfixturevalue(persona), milestone=milestone, target=S.DONE
        )
    milestone.refresh_from_db()
    assert milestone.status == S.PLANNED


@pytest.mark.parametrize(
    ("source", "target"),
    [(S.DONE, S.SKIPPED), (S.SKIPPED, S.PLANNED), (S.SKIPPED, S.DONE), (S.PLANNED, S.PLANNED)],
)
def test_moves_outside_the_table_are_refused_with_a_message(lab_lead, trainee, source, target):
    milestone = MilestoneFactory(
        trainee=trainee, status=source, done_at=timezone.now() if source == S.DONE else None
    )

    with pytest.raises(ValidationError) as error:
        services.change_milestone_status(actor=lab_lead, milestone=milestone, target=target)

    assert error.value.code == "illegal_transition"
    assert "cannot become" in error.value.messages[0]
    milestone.refresh_from_db()
    assert milestone.status == source


def test_a_status_change_on_what_someone_else_changed_meanwhile_is_refused(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee)
    services.change_milestone_status(actor=trainee, milestone=milestone, target=S.DONE)

    # the lab saw it planned and clicks "not needed"
    with pytest.raises(ValidationError) as error:
        services.change_milestone_status(
            actor=lab_lead, milestone=milestone, target=S.SKIPPED, expected_status=S.PLANNED
        )

    assert error.value.code == "stale"
    milestone.refresh_from_db()
    assert milestone.status == S.DONE


def test_available_transitions_follow_the_table(lab_lead, trainee, other_trainee):
    planned = MilestoneFactory(trainee=trainee)
    done = MilestoneFactory(trainee=trainee, status=S.DONE, done_at=timezone.now())

    def targets(user, milestone):
        return [t.target for t in services.available_transitions(user, milestone)]

    assert targets(lab_lead, planned) == [S.DONE, S.SKIPPED]
    assert targets(trainee, planned) == [S.DONE]
    assert targets(trainee, done) == [S.PLANNED]
    assert targets(other_trainee, planned) == []


# The standard six ----------------------------------------------------------------------------
def test_standard_milestones_are_the_six_seeded_types():
    assert set(services.STANDARD_TYPE_NAMES_EN) == set(
        MilestoneType.objects.filter(position__lte=60).values_list("name_en", flat=True)
    )


def test_give_standard_milestones_spreads_six_due_dates_over_the_enrolment(lab_lead, trainee):
    start = TODAY - datetime.timedelta(days=10)
    cohort = CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(days=175))
    EnrolmentFactory(cohort=cohort, trainee=trainee)

    created = services.give_standard_milestones(actor=lab_lead, trainee=trainee, start_date=start)

    assert [m.type.name_en for m in created] == list(services.STANDARD_TYPE_NAMES_EN)
    due = [m.due_on for m in created]
    assert due == sorted(due)
    assert start < due[0] and due[-1] < cohort.ends_on
    assert due[0] == start + datetime.timedelta(days=25)
    assert {m.status for m in Milestone.objects.filter(trainee=trainee)} == {S.PLANNED}
    assert AuditEntry.objects.filter(action="milestone.standard_given").count() == 1


def test_give_standard_milestones_keeps_those_the_trainee_has(lab_lead, trainee):
    own = MilestoneFactory(trainee=trainee, type=cv(), due_on=TODAY, note="Redan planerat")

    created = services.give_standard_milestones(actor=lab_lead, trainee=trainee, start_date=TODAY)
    again = services.give_standard_milestones(actor=lab_lead, trainee=trainee, start_date=TODAY)

    assert len(created) == 5
    assert again == []
    own.refresh_from_db()
    assert (own.due_on, own.note) == (TODAY, "Redan planerat")
    assert Milestone.objects.filter(trainee=trainee).count() == 6


def test_give_standard_milestones_without_an_enrolment_spans_half_a_year(lab_lead):
    trainee = UserFactory(role="trainee")

    created = services.give_standard_milestones(actor=lab_lead, trainee=trainee, start_date=TODAY)

    assert created[-1].due_on == TODAY + services.DEFAULT_SPAN * 6 / 7


def test_give_standard_milestones_is_for_the_lab(trainee):
    with pytest.raises(PermissionDenied):
        services.give_standard_milestones(actor=trainee, trainee=trainee, start_date=TODAY)


# Kinds of milestones --------------------------------------------------------------------------
def test_save_milestone_type_by_the_lab(lab_lead):
    kind = services.save_milestone_type(
        actor=lab_lead,
        milestone_type=MilestoneType(name_sv="Mentorsamtal", name_en="Mentor talk", position=70),
    )

    assert MilestoneType.objects.filter(pk=kind.pk, is_active=True).exists()
    assert AuditEntry.objects.filter(action="milestone_type.created").exists()


def test_save_milestone_type_refuses_a_name_in_use(lab_lead):
    with pytest.raises(ValidationError):
        services.save_milestone_type(
            actor=lab_lead, milestone_type=MilestoneType(name_sv="CV granskat", name_en="CV")
        )


def test_save_milestone_type_by_a_trainee_is_refused(trainee):
    with pytest.raises(PermissionDenied):
        services.save_milestone_type(
            actor=trainee, milestone_type=MilestoneType(name_sv="X", name_en="X")
        )
