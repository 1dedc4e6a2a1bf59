"""The lab's assessment and the prototype record (`prototypes.services.triage`,
`prototypes.services.prototype_record`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry
from prototypes.models import (
    Idea,
    IdeaStatus,
    PrototypeRecord,
)
from prototypes.services.prototype_record import save_prototype_record
from prototypes.services.status import transition_idea
from prototypes.services.triage import update_triage
from tests.core.factories import SkillFactory
from tests.prototypes.factories import (
    PrototypeRecordFactory,
)

S = IdeaStatus


def test_update_triage_sets_skills_and_size(idea_of, lab_lead):
    idea = idea_of()
    skills = SkillFactory.create_batch(2)
    SkillFactory()  # not chosen
    update_triage(
        actor=lab_lead,
        idea=idea,
        expected_version=1,
        skills=skills,
        size_weeks=6,
        ready_to_plan=False,
    )
    idea.refresh_from_db()
    assert set(idea.skills.all()) == set(skills)
    assert (idea.size_weeks, idea.ready_to_plan, idea.version) == (6, False, 2)
    audit = AuditEntry.objects.get(action="idea.triaged", object_id=str(idea.pk))
    assert audit.details == {
        "size_weeks": 6,
        "ready_to_plan": False,
        "skills": sorted(skill.pk for skill in skills),
    }


def test_update_triage_ready_to_plan_on_an_accepted_idea(idea_of, lab_lead):
    idea = idea_of(S.ACCEPTED)
    update_triage(
        actor=lab_lead, idea=idea, expected_version=1, skills=[], size_weeks=4, ready_to_plan=True
    )
    assert Idea.objects.get(pk=idea.pk).ready_to_plan is True


@pytest.mark.parametrize("status", [S.SUBMITTED, S.NEEDS_INFORMATION, S.DECLINED])
def test_update_triage_ready_to_plan_on_a_not_accepted_idea_is_refused(idea_of, lab_lead, status):
    idea = idea_of(status)
    with pytest.raises(ValidationError) as error:
        update_triage(
            actor=lab_lead,
            idea=idea,
            expected_version=1,
            skills=[],
            size_weeks=4,
            ready_to_plan=True,
        )
    assert "ready_to_plan" in error.value.message_dict
    row = Idea.objects.get(pk=idea.pk)
    assert (row.ready_to_plan, row.size_weeks, row.version) == (False, None, 1)


def test_update_triage_with_an_outdated_version_is_a_conflict(idea_of, lab_lead, admin):
    idea = idea_of()
    seen_by_admin = Idea.objects.get(pk=idea.pk)
    update_triage(
        actor=lab_lead, idea=idea, expected_version=1, skills=[], size_weeks=3, ready_to_plan=False
    )
    with pytest.raises(ValidationError) as error:
        update_triage(
            actor=admin,
            idea=seen_by_admin,
            expected_version=1,
            skills=[SkillFactory()],
            size_weeks=20,
            ready_to_plan=False,
        )
    assert error.value.code == "conflict"
    row = Idea.objects.get(pk=idea.pk)
    assert (row.size_weeks, row.version, row.skills.count()) == (3, 2, 0)


@pytest.mark.parametrize("size_weeks", [0, 105])
def test_update_triage_with_an_impossible_size_is_refused(idea_of, lab_lead, size_weeks):
    idea = idea_of()
    with pytest.raises(ValidationError) as error:
        update_triage(
            actor=lab_lead,
            idea=idea,
            expected_version=1,
            skills=[],
            size_weeks=size_weeks,
            ready_to_plan=False,
        )
    assert "size_weeks" in error.value.message_dict
    row = Idea.objects.get(pk=idea.pk)
    assert (row.size_weeks, row.version) == (None, 1)


@pytest.mark.parametrize("persona", ["department_staff", "trainee", "outsider"])
def test_update_triage_by_someone_outside_the_lab_is_denied(request, idea_of, persona):
    idea = idea_of()
    with pytest.raises(PermissionDenied):
        update_triage(
            actor=request.getfixturevalue(persona),
            idea=idea,
            expected_version=1,
            skills=[],
            size_weeks=2,
            ready_to_plan=False,
        )
    assert Idea.objects.get(pk=idea.pk).size_weeks is None


def test_save_prototype_record_by_the_lab_on_an_accepted_idea(idea_of, lab_lead):
    idea = idea_of(S.ACCEPTED)
    record = save_prototype_record(
        actor=lab_lead,
        record=PrototypeRecord(
            idea=idea, working_title="Färdtjänstformulär", repository_url="https://git.example.se/x"
        ),
    )
    assert PrototypeRecord.objects.get(idea=idea) == record
    assert AuditEntry.objects.filter(action="prototype.created", object_id=str(idea.pk)).exists()

    record.handover_notes = "Nästa steg: inloggning med BankID."
    save_prototype_record(actor=lab_lead, record=record)
    assert PrototypeRecord.objects.get(idea=idea).handover_notes.startswith("Nästa steg")
    assert AuditEntry.objects.filter(action="prototype.updated", object_id=str(idea.pk)).exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.NEEDS_INFORMATION, S.DECLINED, S.ARCHIVED])
def test_save_prototype_record_on_a_not_accepted_idea_is_denied(idea_of, lab_lead, status):
    idea = idea_of(status)
    with pytest.raises(PermissionDenied):
        save_prototype_record(
            actor=lab_lead, record=PrototypeRecord(idea=idea, working_title="För tidigt")
        )
    assert not PrototypeRecord.objects.exists()


@pytest.mark.parametrize("persona", ["department_staff", "trainee", "outsider"])
def test_save_prototype_record_by_someone_outside_the_lab_is_denied(request, idea_of, persona):
    record = PrototypeRecordFactory(idea=idea_of(S.IN_PROGRESS), working_title="Lab skriver")
    record.working_title = "Någon annan skriver"
    with pytest.raises(PermissionDenied):
        save_prototype_record(actor=request.getfixturevalue(persona), record=record)
    assert PrototypeRecord.objects.get(pk=record.pk).working_title == "Lab skriver"


def test_update_triage_prepared_before_a_status_change_is_a_conflict(idea_of, lab_lead, admin):
    idea = idea_of()
    prepared = idea.version
    transition_idea(actor=admin, idea=Idea.objects.get(pk=idea.pk), target=S.ACCEPTED)
    with pytest.raises(ValidationError) as error:
        update_triage(
            actor=lab_lead,
            idea=idea,
            expected_version=prepared,
            skills=[],
            size_weeks=5,
            ready_to_plan=False,
        )
    assert error.value.code == "conflict"
    assert Idea.objects.get(pk=idea.pk).size_weeks is None


def test_update_triage_judges_ready_to_plan_on_the_current_status(idea_of, lab_lead, admin):
    # given: the lead's copy still says "submitted", but the idea was accepted meanwhile
    seen = idea_of()
    transition_idea(actor=admin, idea=Idea.objects.get(pk=seen.pk), target=S.ACCEPTED)
    # when: the lead marks it ready to plan with the current version
    saved = update_triage(
        actor=lab_lead,
        idea=seen,
        expected_version=Idea.objects.get(pk=seen.pk).version,
        skills=[],
        size_weeks=5,
        ready_to_plan=True,
    )
    # then: the accepted idea is ready to plan
    assert saved.ready_to_plan is True
    assert Idea.objects.get(pk=seen.pk).ready_to_plan is True
