"""Drafting, submitting and editing an idea (`prototypes.services.ideas`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import (
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Idea,
    IdeaAttachment,
    IdeaEvent,
    IdeaStatus,
)
from prototypes.services.ideas import create_idea, update_idea
from prototypes.services.status import transition_idea
from tests.prototypes.factories import (
    pdf_upload,
)

S = IdeaStatus

COMPLETE = {
    "title": "Digital ansökan om färdtjänst",
    "problem": "Vi skriver ansökningar för hand.",
    "affected_users": AffectedUsers.BOTH,
    "affected_description": "Handläggare och cirka 2 000 sökande per år.",
    "improvement": "Ett webbformulär som fyller i ärendesystemet.",
    "benefit_kind": BenefitKind.TIME,
    "benefit_size": BenefitSize.LARGE,
    "benefit_description": "Två dagar i veckan frigörs.",
}


def test_create_idea_as_draft_with_only_a_title(department_staff, department):
    idea = create_idea(actor=department_staff, data={"title": "Bättre parkering"})

    idea.refresh_from_db()
    assert idea.status == S.DRAFT
    assert idea.title == "Bättre parkering"
    assert idea.department == department
    assert idea.submitted_by == department_staff
    assert idea.contact_person == department_staff.full_name
    assert idea.submitted_at is None
    assert idea.version == 1
    assert AuditEntry.objects.filter(action="idea.created", object_id=str(idea.pk)).exists()
    assert not IdeaEvent.objects.exists()
    assert not OutboxEmail.objects.exists()  # a draft tells nobody


def test_create_idea_ignores_what_the_department_does_not_write(department_staff, department):
    idea = create_idea(
        actor=department_staff,
        data={
            "title": "Försök",
            "status": S.ACCEPTED,
            "decline_reason": "x",
            "department": None,
            "version": 99,
        },
    )
    idea.refresh_from_db()
    assert (idea.status, idea.decline_reason, idea.department, idea.version) == (
        S.DRAFT,
        "",
        department,
        1,
    )


def test_create_idea_without_a_title_is_refused(department_staff):
    with pytest.raises(ValidationError) as error:
        create_idea(actor=department_staff, data={"problem": "Något"})
    assert "title" in error.value.message_dict
    assert not Idea.objects.exists()


def test_create_idea_and_submit_a_complete_idea(department_staff):
    idea = create_idea(actor=department_staff, data=COMPLETE, submit=True)

    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED
    assert idea.submitted_at is not None
    event = IdeaEvent.objects.get(idea=idea)
    assert (event.actor, event.from_status, event.to_status) == (
        department_staff,
        S.DRAFT,
        S.SUBMITTED,
    )


def test_create_idea_submit_with_missing_answers_names_them_and_rolls_back(department_staff):
    with pytest.raises(ValidationError) as error:
        create_idea(
            actor=department_staff,
            data={"title": "Bara en rubrik", "problem": "   "},
            files=[pdf_upload()],
            submit=True,
        )

    assert set(error.value.message_dict) == {
        "problem",
        "affected_users",
        "improvement",
        "benefit_kind",
        "benefit_size",
    }
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "lab_lead", "admin"])
def test_create_idea_by_someone_outside_a_department_is_denied(request, persona):
    with pytest.raises(PermissionDenied):
        create_idea(actor=request.getfixturevalue(persona), data={"title": "Nej"})
    assert not Idea.objects.exists()


def test_create_idea_by_inactive_department_staff_is_denied(department_staff):
    department_staff.is_active = False
    department_staff.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        create_idea(actor=department_staff, data={"title": "Nej"})
    assert not Idea.objects.exists()


def test_create_idea_by_outsider_belongs_to_the_outsiders_own_department(outsider, department):
    # Staff of another department write ideas only for their own department.
    idea = create_idea(actor=outsider, data={"title": "Vår idé", "department": department})
    assert idea.department == outsider.department


def test_update_idea_with_the_current_version_saves_and_bumps_it(idea_of, department_staff):
    idea = idea_of()
    update_idea(
        actor=department_staff,
        idea=idea,
        data={"title": "Ny rubrik", "urgency": "3_high"},
        expected_version=1,
    )
    idea.refresh_from_db()
    assert (idea.title, idea.urgency, idea.version) == ("Ny rubrik", "3_high", 2)
    audit = AuditEntry.objects.get(action="idea.updated", object_id=str(idea.pk))
    assert sorted(audit.details["fields"]) == ["title", "urgency"]

    update_idea(actor=department_staff, idea=idea, data={"title": "Tredje"}, expected_version=2)
    idea.refresh_from_db()
    assert (idea.title, idea.version) == ("Tredje", 3)


def test_update_idea_of_two_editors_on_the_same_version_refuses_the_second(
    idea_of, department_staff, colleague
):
    # given: both opened the form at version 1
    original = idea_of(title="Original")
    first = Idea.objects.get(pk=original.pk)
    second = Idea.objects.get(pk=original.pk)
    # when: the first saves ...
    update_idea(actor=department_staff, idea=first, data={"title": "Först"}, expected_version=1)
    # ... and the second saves what they saw at version 1
    with pytest.raises(ValidationError) as error:
        update_idea(
            actor=colleague,
            idea=second,
            data={"title": "Sist", "problem": "Skrivet över"},
            expected_version=1,
        )
    # then
    assert error.value.code == "conflict"
    row = Idea.objects.get(pk=original.pk)
    assert (row.title, row.problem, row.version) == ("Först", original.problem, 2)
    assert AuditEntry.objects.filter(action="idea.updated").count() == 1


def test_update_idea_with_an_invalid_value_keeps_the_version(idea_of, department_staff):
    idea = idea_of()
    with pytest.raises(ValidationError):
        update_idea(
            actor=department_staff,
            idea=idea,
            data={"affected_users": "aliens"},
            expected_version=1,
        )
    row = Idea.objects.get(pk=idea.pk)
    assert (row.affected_users, row.version) == (AffectedUsers.STAFF, 1)


def test_update_idea_and_submit_a_draft(idea_of, department_staff):
    idea = idea_of(S.DRAFT, problem="")
    update_idea(
        actor=department_staff,
        idea=idea,
        data={"problem": "Pappersblanketter."},
        expected_version=1,
        submit=True,
    )
    idea.refresh_from_db()
    assert (idea.status, idea.problem, idea.version) == (S.SUBMITTED, "Pappersblanketter.", 2)
    assert idea.submitted_at is not None


def test_update_idea_submit_of_an_incomplete_draft_rolls_back_the_edit(idea_of, department_staff):
    idea = idea_of(S.DRAFT, problem="", improvement="")
    with pytest.raises(ValidationError) as error:
        update_idea(
            actor=department_staff,
            idea=idea,
            data={"problem": "Nu ifyllt."},
            expected_version=1,
            submit=True,
        )
    assert set(error.value.message_dict) == {"improvement"}
    row = Idea.objects.get(pk=idea.pk)
    assert (row.status, row.problem, row.version) == (S.DRAFT, "", 1)


@pytest.mark.parametrize("status", list(S))
def test_update_idea_by_department_only_while_the_department_may_edit(
    idea_of, department_staff, status
):
    idea = idea_of(status)
    allowed = status in (S.DRAFT, S.SUBMITTED, S.NEEDS_INFORMATION)
    if allowed:
        update_idea(actor=department_staff, idea=idea, data={"title": "Ändrad"}, expected_version=1)
    else:
        with pytest.raises(PermissionDenied):
            update_idea(
                actor=department_staff, idea=idea, data={"title": "Ändrad"}, expected_version=1
            )
    row = Idea.objects.get(pk=idea.pk)
    assert (row.title == "Ändrad") is allowed
    assert row.version == (2 if allowed else 1)


@pytest.mark.parametrize("status", [s for s in S if s != S.DRAFT])
def test_update_idea_by_the_lab_until_archived(idea_of, lab_lead, status):
    idea = idea_of(status)
    allowed = status != S.ARCHIVED
    if allowed:
        update_idea(actor=lab_lead, idea=idea, data={"title": "Förtydligad"}, expected_version=1)
    else:
        with pytest.raises(PermissionDenied):
            update_idea(
                actor=lab_lead, idea=idea, data={"title": "Förtydligad"}, expected_version=1
            )
    assert (Idea.objects.get(pk=idea.pk).title == "Förtydligad") is allowed


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_update_idea_by_someone_without_a_party_is_denied(request, idea_of, persona):
    idea = idea_of()
    with pytest.raises(PermissionDenied):
        update_idea(
            actor=request.getfixturevalue(persona),
            idea=idea,
            data={"title": "Kapad"},
            expected_version=1,
        )
    assert Idea.objects.get(pk=idea.pk).version == 1


def test_update_idea_of_a_colleagues_draft_is_denied(idea_of, colleague):
    idea = idea_of(S.DRAFT)
    with pytest.raises(PermissionDenied):
        update_idea(actor=colleague, idea=idea, data={"title": "Min nu"}, expected_version=1)


# A status change makes an edit prepared before it outdated ----------------------------
def test_update_idea_prepared_before_acceptance_is_refused_after(idea_of, lab_lead):
    # given: the lab opened the edit form at version v ...
    idea = idea_of(title="Före")
    prepared = idea.version
    # ... and the idea was accepted meanwhile
    transition_idea(actor=lab_lead, idea=Idea.objects.get(pk=idea.pk), target=S.ACCEPTED)
    # when: the edit prepared at version v arrives
    with pytest.raises(ValidationError) as error:
        update_idea(actor=lab_lead, idea=idea, data={"title": "Efter"}, expected_version=prepared)
    # then
    assert error.value.code == "conflict"
    row = Idea.objects.get(pk=idea.pk)
    assert (row.title, row.status, row.version) == ("Före", S.ACCEPTED, prepared + 1)


def test_update_idea_by_the_department_after_acceptance_is_denied_on_the_locked_row(
    idea_of, department_staff, lab_lead
):
    # given: the department's page still shows the idea as submitted ...
    seen = idea_of(title="Före")
    transition_idea(actor=lab_lead, idea=Idea.objects.get(pk=seen.pk), target=S.ACCEPTED)
    current_version = Idea.objects.get(pk=seen.pk).version
    # when: its edit arrives, even with the current version
    with pytest.raises(PermissionDenied):
        update_idea(
            actor=department_staff,
            idea=seen,
            data={"title": "Efter"},
            expected_version=current_version,
        )
    # then: the department can no longer edit
    row = Idea.objects.get(pk=seen.pk)
    assert (row.title, row.version) == ("Före", current_version)
    assert not AuditEntry.objects.filter(action="idea.updated").exists()
