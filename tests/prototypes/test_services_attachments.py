"""An idea's files (`prototypes.services.attachments`): checked before anything is
written, never left behind on disk, removed after commit."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from labportal.core.models import AuditEntry
from prototypes.models import (
    Idea,
    IdeaAttachment,
    IdeaStatus,
)
from prototypes.services.attachments import (
    MAX_ATTACHMENTS,
    delete_attachment,
    record_attachment_download,
)
from prototypes.services.ideas import create_idea, update_idea
from prototypes.services.status import transition_idea
from tests.prototypes.factories import (
    PDF_BYTES,
    IdeaAttachmentFactory,
    pdf_upload,
)

S = IdeaStatus

MIB = 1024 * 1024


def stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_create_idea_with_a_pdf_stores_the_attachment(department_staff):
    idea = create_idea(
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
        create_idea(
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
        create_idea(
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
        create_idea(
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
        update_idea(
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
        create_idea(
            actor=department_staff,
            data={"title": "Ofullständig"},
            files=[pdf_upload("personuppgifter.pdf")],
            submit=True,
        )
    assert not IdeaAttachment.objects.exists()
    assert stored_files() == []


def test_create_idea_with_more_than_the_maximum_of_attachments_is_refused(department_staff):
    files = [pdf_upload(f"bilaga-{n}.pdf") for n in range(MAX_ATTACHMENTS + 1)]
    with pytest.raises(ValidationError) as error:
        create_idea(actor=department_staff, data={"title": "Många"}, files=files)
    assert "attachments" in error.value.message_dict
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()


def test_create_idea_with_exactly_the_maximum_of_attachments(department_staff):
    files = [pdf_upload(f"bilaga-{n}.pdf") for n in range(MAX_ATTACHMENTS)]
    idea = create_idea(actor=department_staff, data={"title": "Många"}, files=files)
    assert idea.attachments.count() == MAX_ATTACHMENTS


def test_update_idea_beyond_the_maximum_of_attachments_is_refused(idea_of, department_staff):
    idea = idea_of()
    IdeaAttachmentFactory.create_batch(MAX_ATTACHMENTS - 1, idea=idea)
    with pytest.raises(ValidationError) as error:
        update_idea(
            actor=department_staff,
            idea=idea,
            data={"title": "Ändrad"},
            expected_version=1,
            files=[pdf_upload("a.pdf"), pdf_upload("b.pdf")],
        )
    assert "attachments" in error.value.message_dict
    idea.refresh_from_db()
    assert idea.attachments.count() == MAX_ATTACHMENTS - 1
    assert idea.title != "Ändrad"
    assert idea.version == 1


def test_delete_attachment_removes_the_row_and_after_commit_the_file(
    idea_of, department_staff, django_capture_on_commit_callbacks
):
    attachment = IdeaAttachmentFactory(idea=idea_of())
    name = attachment.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_attachment(actor=department_staff, attachment=attachment)
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
        delete_attachment(actor=request.getfixturevalue(persona), attachment=attachment)
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)


def test_delete_attachment_after_acceptance_is_denied_on_the_locked_row(
    idea_of, department_staff, lab_lead, django_capture_on_commit_callbacks
):
    # given: the department's copy of the idea still says "submitted"
    attachment = IdeaAttachmentFactory(idea=idea_of())
    transition_idea(actor=lab_lead, idea=Idea.objects.get(pk=attachment.idea_id), target=S.ACCEPTED)
    # when / then
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        delete_attachment(actor=department_staff, attachment=attachment)
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)


def test_record_attachment_download_writes_an_audit_row(idea_of, lab_lead):
    attachment = IdeaAttachmentFactory(idea=idea_of(), original_name="skiss.pdf")

    record_attachment_download(actor=lab_lead, attachment=attachment)

    entry = AuditEntry.objects.get(action="idea.attachment_downloaded")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        lab_lead,
        "prototypes.idea",
        str(attachment.idea_id),
    )
    assert entry.details == {"name": "skiss.pdf", "attachment": attachment.pk}
