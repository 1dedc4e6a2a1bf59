from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from labportal.core.models import AuditEntry, OutboxEmail
from prototypes import services
from prototypes.models import (
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)
from tests.accounts.factories import UserFactory
from tests.core.factories import SkillFactory
from tests.prototypes.factories import (
    PDF_BYTES,
    IdeaAttachmentFactory,
    IdeaFactory,
    PrototypeRecordFactory,
    pdf_upload,
)

S = IdeaStatus
MIB = 1024 * 1024

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


@pytest.fixture
def idea_of(department, department_staff):
    """An idea of the persona's department, written by `department_staff`, in a status."""

    def make(status=S.SUBMITTED, **fields):
        return IdeaFactory(
            department=department, submitted_by=department_staff, status=status, **fields
        )

    return make


@pytest.fixture
def colleague(department):
    return UserFactory(role="department_staff", department=department)


def stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def emails_to(user):
    return OutboxEmail.objects.filter(to=user.email)


# create_idea ----------------------------------------------------------------------------
def test_create_idea_as_draft_with_only_a_title(department_staff, department):
    idea = services.create_idea(actor=department_staff, data={"title": "Bättre parkering"})

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
    idea = services.create_idea(
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
        services.create_idea(actor=department_staff, data={"problem": "Något"})
    assert "title" in error.value.message_dict
    assert not Idea.objects.exists()


def test_create_idea_and_submit_a_complete_idea(department_staff):
    idea = services.create_idea(actor=department_staff, data=COMPLETE, submit=True)

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
        services.create_idea(
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


def test_create_idea_with_a_pdf_stores_the_attachment(department_staff):
    idea = services.create_idea(
        actor=department_staff,
        data={"title": "Med bilaga"},
        files=[pdf_upload("Nuvarande blankett.pdf")],
    )

    attachment = IdeaAttachment.objects.get(idea=idea)
    assert attachment.original_name == "Nuvarande blankett.pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.content_type == "application/pdf"
    assert attachment.uploaded_by == department_staff
    # stored under a name of our own, with the whole content (not just what was sniffed)
    assert attachment.file.name.startswith(f"ideas/{idea.pk}/")
    assert "blankett" not in attachment.file.name
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert AuditEntry.objects.filter(
        action="idea.attachment_added", object_id=str(idea.pk)
    ).exists()


def test_create_idea_with_an_oversized_attachment_is_refused_and_rolled_back(
    department_staff, settings
):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    with pytest.raises(ValidationError) as error:
        services.create_idea(
            actor=department_staff,
            data={"title": "Stor bilaga"},
            files=[pdf_upload("stor.pdf", size=MIB + 1)],
        )
    assert "attachments" in error.value.message_dict
    assert "stor.pdf" in error.value.message_dict["attachments"][0]
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 60),
        SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 60),
    ],
    ids=["exe", "pdf-that-is-not"],
)
def test_create_idea_with_a_wrong_type_of_file_is_refused_and_rolled_back(department_staff, upload):
    with pytest.raises(ValidationError) as error:
        services.create_idea(
            actor=department_staff,
            data={"title": "Farlig bilaga"},
            files=[pdf_upload("ok.pdf"), upload],
        )
    assert "attachments" in error.value.message_dict
    assert upload.name in error.value.message_dict["attachments"][0]
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()
    assert stored_files() == []  # not even the good file before the bad one


def test_create_idea_names_every_refused_file(department_staff):
    with pytest.raises(ValidationError) as error:
        services.create_idea(
            actor=department_staff,
            data={"title": "Två dåliga"},
            files=[
                SimpleUploadedFile("virus.exe", b"MZ"),
                pdf_upload("bra.pdf"),
                SimpleUploadedFile("falsk.pdf", b"MZ"),
            ],
        )
    messages = error.value.message_dict["attachments"]
    assert len(messages) == 2
    assert "virus.exe" in messages[0]
    assert "falsk.pdf" in messages[1]
    assert not Idea.objects.exists()


def test_update_idea_with_a_refused_attachment_keeps_the_idea_as_it_was(idea_of, department_staff):
    idea = idea_of(title="Före")
    with pytest.raises(ValidationError) as error:
        services.update_idea(
            actor=department_staff,
            idea=idea,
            data={"title": "Efter"},
            expected_version=1,
            files=[pdf_upload("ok.pdf"), SimpleUploadedFile("virus.exe", b"MZ")],
        )
    assert "attachments" in error.value.message_dict
    row = Idea.objects.get(pk=idea.pk)
    assert (row.title, row.version) == ("Före", 1)
    assert not IdeaAttachment.objects.exists()
    assert stored_files() == []


def test_create_idea_refused_leaves_no_uploaded_file_in_storage(department_staff):
    # "A refused attachment or a missing required answer rolls everything back":
    # the rows go with the transaction, and the files written for them must not stay.
    with pytest.raises(ValidationError):
        services.create_idea(
            actor=department_staff,
            data={"title": "Ofullständig"},
            files=[pdf_upload("personuppgifter.pdf")],
            submit=True,
        )
    assert not IdeaAttachment.objects.exists()
    assert stored_files() == []


def test_create_idea_with_more_than_the_maximum_of_attachments_is_refused(department_staff):
    files = [pdf_upload(f"bilaga-{n}.pdf") for n in range(services.MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationError) as error:
        services.create_idea(actor=department_staff, data={"title": "Många"}, files=files)
    assert "attachments" in error.value.message_dict
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()


def test_create_idea_with_exactly_the_maximum_of_attachments(department_staff):
    files = [pdf_upload(f"bilaga-{n}.pdf") for n in range(services.MAX_ATTACHMENTS)]
    idea = services.create_idea(actor=department_staff, data={"title": "Många"}, files=files)
    assert idea.attachments.count() == services.MAX_ATTACHMENTS


def test_update_idea_beyond_the_maximum_of_attachments_is_refused(idea_of, department_staff):
    idea = idea_of()
    IdeaAttachmentFactory.create_batch(services.MAX_ATTACHMENTS - 1, idea=idea)
    with pytest.raises(ValidationError) as error:
        services.update_idea(
            actor=department_staff,
            idea=idea,
            data={"title": "Ändrad"},
            expected_version=1,
            files=[pdf_upload("a.pdf"), pdf_upload("b.pdf")],
        )
    assert "attachments" in error.value.message_dict
    idea.refresh_from_db()
    assert idea.attachments.count() == services.MAX_ATTACHMENTS - 1
    assert idea.title != "Ändrad"
    assert idea.version == 1


@pytest.mark.parametrize("persona", ["trainee", "lab_lead", "admin"])
def test_create_idea_by_someone_outside_a_department_is_denied(request, persona):
    with pytest.raises(PermissionDenied):
        services.create_idea(actor=request.getfixturevalue(persona), data={"title": "Nej"})
    assert not Idea.objects.exists()


def test_create_idea_by_inactive_department_staff_is_denied(department_staff):
    department_staff.is_active = False
    department_staff.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        services.create_idea(actor=department_staff, data={"title": "Nej"})
    assert not Idea.objects.exists()


def test_create_idea_by_outsider_belongs_to_the_outsiders_own_department(outsider, department):
    # Staff of another department write ideas only for their own department.
    idea = services.create_idea(actor=outsider, data={"title": "Vår idé", "department": department})
    assert idea.department == outsider.department


# update_idea ----------------------------------------------------------------------------
def test_update_idea_with_the_current_version_saves_and_bumps_it(idea_of, department_staff):
    idea = idea_of()
    services.update_idea(
        actor=department_staff,
        idea=idea,
        data={"title": "Ny rubrik", "urgency": "3_high"},
        expected_version=1,
    )
    idea.refresh_from_db()
    assert (idea.title, idea.urgency, idea.version) == ("Ny rubrik", "3_high", 2)
    audit = AuditEntry.objects.get(action="idea.updated", object_id=str(idea.pk))
    assert sorted(audit.details["fields"]) == ["title", "urgency"]

    services.update_idea(
        actor=department_staff, idea=idea, data={"title": "Tredje"}, expected_version=2
    )
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
    services.update_idea(
        actor=department_staff, idea=first, data={"title": "Först"}, expected_version=1
    )
    # ... and the second saves what they saw at version 1
    with pytest.raises(ValidationError) as error:
        services.update_idea(
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
        services.update_idea(
            actor=department_staff,
            idea=idea,
            data={"affected_users": "aliens"},
            expected_version=1,
        )
    row = Idea.objects.get(pk=idea.pk)
    assert (row.affected_users, row.version) == (AffectedUsers.STAFF, 1)


def test_update_idea_and_submit_a_draft(idea_of, department_staff):
    idea = idea_of(S.DRAFT, problem="")
    services.update_idea(
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
        services.update_idea(
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
        services.update_idea(
            actor=department_staff, idea=idea, data={"title": "Ändrad"}, expected_version=1
        )
    else:
        with pytest.raises(PermissionDenied):
            services.update_idea(
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
        services.update_idea(
            actor=lab_lead, idea=idea, data={"title": "Förtydligad"}, expected_version=1
        )
    else:
        with pytest.raises(PermissionDenied):
            services.update_idea(
                actor=lab_lead, idea=idea, data={"title": "Förtydligad"}, expected_version=1
            )
    assert (Idea.objects.get(pk=idea.pk).title == "Förtydligad") is allowed


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_update_idea_by_someone_without_a_party_is_denied(request, idea_of, persona):
    idea = idea_of()
    with pytest.raises(PermissionDenied):
        services.update_idea(
            actor=request.getfixturevalue(persona),
            idea=idea,
            data={"title": "Kapad"},
            expected_version=1,
        )
    assert Idea.objects.get(pk=idea.pk).version == 1


def test_update_idea_of_a_colleagues_draft_is_denied(idea_of, colleague):
    idea = idea_of(S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.update_idea(
            actor=colleague, idea=idea, data={"title": "Min nu"}, expected_version=1
        )


# Emails of status changes ------------------------------------------------------------------
def test_submitting_a_draft_queues_one_receipt_to_the_submitter(idea_of, department_staff):
    idea = idea_of(S.DRAFT)
    event = services.transition_idea(actor=department_staff, idea=idea, target=S.SUBMITTED)

    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key.startswith("idea-event:")
    assert email.key == f"idea-event:{event.pk}:{department_staff.pk}"
    assert idea.title in email.body_text


def test_create_idea_with_submit_queues_one_receipt(department_staff):
    services.create_idea(actor=department_staff, data=COMPLETE, submit=True)
    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key.startswith("idea-event:")


def test_lab_transition_queues_one_email_to_the_submitter(idea_of, department_staff, lab_lead):
    idea = idea_of()
    event = services.transition_idea(
        actor=lab_lead, idea=idea, target=S.DECLINED, note="Finns redan."
    )
    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key == f"idea-event:{event.pk}:{department_staff.pk}"
    assert "Finns redan." in email.body_text


def test_notifying_the_same_event_twice_queues_one_email(idea_of, lab_lead):
    idea = idea_of()
    event = services.transition_idea(actor=lab_lead, idea=idea, target=S.ACCEPTED)
    services._notify_submitter_of_event(event)
    services._notify_submitter_of_event(IdeaEvent.objects.get(pk=event.pk))
    assert OutboxEmail.objects.count() == 1


def test_transition_by_the_submitter_themselves_queues_no_email(idea_of, department_staff):
    idea = idea_of(S.NEEDS_INFORMATION)
    services.transition_idea(actor=department_staff, idea=idea, target=S.SUBMITTED)
    assert not OutboxEmail.objects.exists()


def test_transition_by_a_colleague_tells_the_submitter(idea_of, department_staff, colleague):
    idea = idea_of(S.NEEDS_INFORMATION)
    services.transition_idea(actor=colleague, idea=idea, target=S.SUBMITTED)
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [department_staff.email]


def test_transition_for_an_inactive_submitter_queues_no_email(idea_of, department_staff, lab_lead):
    idea = idea_of()
    department_staff.is_active = False
    department_staff.save(update_fields=["is_active"])
    services.transition_idea(actor=lab_lead, idea=idea, target=S.ACCEPTED)
    assert Idea.objects.get(pk=idea.pk).status == S.ACCEPTED
    assert not OutboxEmail.objects.exists()


# The question thread ---------------------------------------------------------------------
def test_add_comment_asking_for_information_moves_the_idea_and_sends_one_email(
    idea_of, department_staff, lab_lead
):
    idea = idea_of()
    comment = services.add_comment(
        actor=lab_lead,
        idea=idea,
        body="  Hur många ansökningar kommer in per år?  ",
        ask_for_information=True,
    )

    idea.refresh_from_db()
    assert idea.status == S.NEEDS_INFORMATION
    assert idea.triaged_at is not None
    assert comment.from_lab is True
    assert comment.body == "Hur många ansökningar kommer in per år?"
    event = IdeaEvent.objects.get(idea=idea)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        lab_lead,
        S.SUBMITTED,
        S.NEEDS_INFORMATION,
        comment.body,
    )
    email = OutboxEmail.objects.get()  # the question, not also a status-change email
    assert email.key == f"idea-comment:{comment.pk}:{department_staff.pk}"
    assert email.to == department_staff.email
    assert comment.body in email.body_text
    assert AuditEntry.objects.filter(action="idea.commented", object_id=str(idea.pk)).exists()


def test_add_comment_by_the_lab_without_asking_keeps_the_status(
    idea_of, department_staff, lab_lead
):
    idea = idea_of()
    comment = services.add_comment(actor=lab_lead, idea=idea, body="Vi tittar på den nästa vecka.")
    assert Idea.objects.get(pk=idea.pk).status == S.SUBMITTED
    assert not IdeaEvent.objects.exists()
    assert list(OutboxEmail.objects.values_list("key", flat=True)) == [
        f"idea-comment:{comment.pk}:{department_staff.pk}"
    ]


def test_add_comment_answer_by_the_department_sends_the_idea_back_and_tells_each_lab_lead(
    idea_of, department_staff, lab_lead, admin
):
    other_lead = UserFactory(role="lab_lead")
    UserFactory(role="lab_lead", is_active=False)
    idea = idea_of(S.NEEDS_INFORMATION)

    comment = services.add_comment(actor=department_staff, idea=idea, body="Ungefär 2 000 per år.")

    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED
    assert comment.from_lab is False
    event = IdeaEvent.objects.get(idea=idea)
    assert (event.actor, event.from_status, event.to_status) == (
        department_staff,
        S.NEEDS_INFORMATION,
        S.SUBMITTED,
    )
    assert sorted(OutboxEmail.objects.values_list("key", "to")) == sorted(
        [
            (f"idea-comment:{comment.pk}:{lab_lead.pk}", lab_lead.email),
            (f"idea-comment:{comment.pk}:{other_lead.pk}", other_lead.email),
        ]
    )


def test_add_comment_by_the_department_on_a_submitted_idea_keeps_the_status(
    idea_of, department_staff, lab_lead
):
    idea = idea_of()
    services.add_comment(actor=department_staff, idea=idea, body="Ett tillägg.")
    assert Idea.objects.get(pk=idea.pk).status == S.SUBMITTED
    assert not IdeaEvent.objects.exists()
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [lab_lead.email]


@pytest.mark.parametrize("body", ["", "   \n\t"])
def test_add_comment_empty_is_refused(idea_of, lab_lead, body):
    idea = idea_of()
    with pytest.raises(ValidationError) as error:
        services.add_comment(actor=lab_lead, idea=idea, body=body, ask_for_information=True)
    assert "body" in error.value.message_dict
    assert Idea.objects.get(pk=idea.pk).status == S.SUBMITTED
    assert not IdeaComment.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_add_comment_by_someone_without_a_party_is_denied(request, idea_of, persona):
    idea = idea_of()
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=request.getfixturevalue(persona), idea=idea, body="Hej")
    assert not IdeaComment.objects.exists()


@pytest.mark.parametrize(
    ("status", "persona"),
    [(S.DRAFT, "department_staff"), (S.ARCHIVED, "lab_lead"), (S.ARCHIVED, "department_staff")],
)
def test_add_comment_on_a_draft_or_archived_idea_is_denied(request, idea_of, status, persona):
    idea = idea_of(status)
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=request.getfixturevalue(persona), idea=idea, body="Hej")
    assert not IdeaComment.objects.exists()


# Triage ------------------------------------------------------------------------------------
def test_update_triage_sets_skills_and_size(idea_of, lab_lead):
    idea = idea_of()
    skills = SkillFactory.create_batch(2)
    SkillFactory()  # not chosen
    services.update_triage(
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
    services.update_triage(
        actor=lab_lead, idea=idea, expected_version=1, skills=[], size_weeks=4, ready_to_plan=True
    )
    assert Idea.objects.get(pk=idea.pk).ready_to_plan is True


@pytest.mark.parametrize("status", [S.SUBMITTED, S.NEEDS_INFORMATION, S.DECLINED])
def test_update_triage_ready_to_plan_on_a_not_accepted_idea_is_refused(idea_of, lab_lead, status):
    idea = idea_of(status)
    with pytest.raises(ValidationError) as error:
        services.update_triage(
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
    services.update_triage(
        actor=lab_lead, idea=idea, expected_version=1, skills=[], size_weeks=3, ready_to_plan=False
    )
    with pytest.raises(ValidationError) as error:
        services.update_triage(
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
        services.update_triage(
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
        services.update_triage(
            actor=request.getfixturevalue(persona),
            idea=idea,
            expected_version=1,
            skills=[],
            size_weeks=2,
            ready_to_plan=False,
        )
    assert Idea.objects.get(pk=idea.pk).size_weeks is None


# Prototype record ------------------------------------------------------------------------
def test_save_prototype_record_by_the_lab_on_an_accepted_idea(idea_of, lab_lead):
    idea = idea_of(S.ACCEPTED)
    record = services.save_prototype_record(
        actor=lab_lead,
        record=PrototypeRecord(
            idea=idea, working_title="Färdtjänstformulär", repository_url="https://git.example.se/x"
        ),
    )
    assert PrototypeRecord.objects.get(idea=idea) == record
    assert AuditEntry.objects.filter(action="prototype.created", object_id=str(idea.pk)).exists()

    record.handover_notes = "Nästa steg: inloggning med BankID."
    services.save_prototype_record(actor=lab_lead, record=record)
    assert PrototypeRecord.objects.get(idea=idea).handover_notes.startswith("Nästa steg")
    assert AuditEntry.objects.filter(action="prototype.updated", object_id=str(idea.pk)).exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.NEEDS_INFORMATION, S.DECLINED, S.ARCHIVED])
def test_save_prototype_record_on_a_not_accepted_idea_is_denied(idea_of, lab_lead, status):
    idea = idea_of(status)
    with pytest.raises(PermissionDenied):
        services.save_prototype_record(
            actor=lab_lead, record=PrototypeRecord(idea=idea, working_title="För tidigt")
        )
    assert not PrototypeRecord.objects.exists()


@pytest.mark.parametrize("persona", ["department_staff", "trainee", "outsider"])
def test_save_prototype_record_by_someone_outside_the_lab_is_denied(request, idea_of, persona):
    record = PrototypeRecordFactory(idea=idea_of(S.IN_PROGRESS), working_title="Lab skriver")
    record.working_title = "Någon annan skriver"
    with pytest.raises(PermissionDenied):
        services.save_prototype_record(actor=request.getfixturevalue(persona), record=record)
    assert PrototypeRecord.objects.get(pk=record.pk).working_title == "Lab skriver"


# Evaluation ---------------------------------------------------------------------------------
def test_record_evaluation_of_a_delivered_prototype(idea_of, colleague):
    idea = idea_of(S.DELIVERED)
    evaluation = services.record_evaluation(
        actor=colleague,
        idea=idea,
        benefit_realised=4,
        adoption=Adoption.TAKE_INTO_USE,
        comments="  Sparar mycket tid.  ",
    )

    assert Evaluation.objects.get(idea=idea) == evaluation
    assert (evaluation.evaluated_by, evaluation.benefit_realised, evaluation.comments) == (
        colleague,
        4,
        "Sparar mycket tid.",
    )
    assert idea.status == S.EVALUATED
    assert Idea.objects.get(pk=idea.pk).status == S.EVALUATED
    event = IdeaEvent.objects.get(idea=idea)
    assert (event.actor, event.from_status, event.to_status) == (
        colleague,
        S.DELIVERED,
        S.EVALUATED,
    )
    assert AuditEntry.objects.filter(action="idea.evaluated", object_id=str(idea.pk)).exists()


def test_record_evaluation_a_second_time_is_refused(idea_of, department_staff, colleague):
    idea = idea_of(S.DELIVERED)
    services.record_evaluation(
        actor=department_staff, idea=idea, benefit_realised=5, adoption=Adoption.PROCURE
    )
    stale_copy = Idea.objects.get(pk=idea.pk)
    stale_copy.status = S.DELIVERED  # a second form opened before the first was sent
    with pytest.raises(ValidationError):
        services.record_evaluation(
            actor=colleague, idea=stale_copy, benefit_realised=1, adoption=Adoption.NO
        )
    assert Evaluation.objects.get(idea=idea).benefit_realised == 5
    assert IdeaEvent.objects.filter(idea=idea).count() == 1


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.ARCHIVED])
def test_record_evaluation_of_a_not_delivered_idea_is_refused(idea_of, department_staff, status):
    idea = idea_of(status)
    with pytest.raises(ValidationError):
        services.record_evaluation(
            actor=department_staff, idea=idea, benefit_realised=3, adoption=Adoption.UNDECIDED
        )
    assert not Evaluation.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == status


@pytest.mark.parametrize("persona", ["lab_lead", "admin", "trainee", "outsider"])
def test_record_evaluation_by_someone_outside_the_department_is_denied(request, idea_of, persona):
    idea = idea_of(S.DELIVERED)
    with pytest.raises(PermissionDenied):
        services.record_evaluation(
            actor=request.getfixturevalue(persona),
            idea=idea,
            benefit_realised=5,
            adoption=Adoption.TAKE_INTO_USE,
        )
    assert not Evaluation.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == S.DELIVERED


@pytest.mark.parametrize("benefit_realised", [0, 6])
def test_record_evaluation_outside_the_scale_is_refused(
    idea_of, department_staff, benefit_realised
):
    idea = idea_of(S.DELIVERED)
    with pytest.raises(ValidationError):
        services.record_evaluation(
            actor=department_staff,
            idea=idea,
            benefit_realised=benefit_realised,
            adoption=Adoption.NO,
        )
    assert not Evaluation.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == S.DELIVERED


# Attachments -------------------------------------------------------------------------------
def test_delete_attachment_removes_the_row_and_after_commit_the_file(
    idea_of, department_staff, django_capture_on_commit_callbacks
):
    attachment = IdeaAttachmentFactory(idea=idea_of())
    name = attachment.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.delete_attachment(actor=department_staff, attachment=attachment)
        assert default_storage.exists(name)  # not before the transaction commits

    assert len(callbacks) == 1
    assert not IdeaAttachment.objects.exists()
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(
        action="idea.attachment_deleted", details__name="underlag.pdf"
    ).exists()


@pytest.mark.parametrize(
    ("status", "persona"),
    [
        (S.SUBMITTED, "trainee"),
        (S.SUBMITTED, "outsider"),
        (S.ACCEPTED, "department_staff"),
        (S.ARCHIVED, "lab_lead"),
    ],
)
def test_delete_attachment_by_someone_who_may_not_edit_is_denied(
    request, idea_of, django_capture_on_commit_callbacks, status, persona
):
    attachment = IdeaAttachmentFactory(idea=idea_of(status))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        services.delete_attachment(actor=request.getfixturevalue(persona), attachment=attachment)
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)
