"""Writing an idea through its form: creating, saving a draft, submitting, editing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prototypes.models import CONTENT_FIELDS, Idea, IdeaAttachment, IdeaEvent, IdeaStatus
from prototypes.workflow import REQUIRED_TO_SUBMIT
from tests.conftest import client_for, english
from tests.prototypes.factories import PDF_BYTES, IdeaFactory, pdf_upload

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 32

MIB = 1024 * 1024

CONFLICT = "Someone else changed this idea"


def new_idea_data(**changes):
    """What a browser sends for a complete idea; empty inputs arrive as empty strings."""
    return {
        "title": "Digitala parkeringstillstånd",
        "problem": "Vi skriver in trehundra pappersblanketter i månaden för hand.",
        "affected_users": "both",
        "affected_description": "Tolv handläggare och tretusen sökande om året.",
        "improvement": "Ett e-formulär som fyller i verksamhetssystemet.",
        "benefit_kind": "time",
        "benefit_size": "3_large",
        "benefit_description": "Ungefär tjugo timmar mindre inmatning i månaden.",
        "urgency": "2_normal",
        "contact_person": "",
        "data_access": "unknown",
        "success_measure": "",
        "result_users": "",
        **changes,
    }


def edit_data(idea, version, **changes):
    """The update form as it comes back from the browser, with `changes` typed in."""
    data = {field: getattr(idea, field) or "" for field in CONTENT_FIELDS}
    return {**data, "version": version, "save": "1", **changes}


# Creating an idea ----------------------------------------------------------------------
def test_idea_create_submit_with_pdf_stores_a_submitted_idea_and_its_attachment(
    department_staff,
):
    client = client_for(department_staff)

    response = client.post(
        reverse("prototypes:create"),
        {**new_idea_data(), "attachments": pdf_upload("underlag.pdf"), "submit": "1"},
    )

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.submitted_at is not None
    assert idea.department == department_staff.department
    assert idea.submitted_by == department_staff
    assert idea.title == "Digitala parkeringstillstånd"
    assert idea.benefit_size == "3_large"
    assert idea.contact_person == department_staff.full_name
    attachment = idea.attachments.get()
    assert attachment.original_name == "underlag.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert IdeaEvent.objects.filter(
        idea=idea, from_status=IdeaStatus.DRAFT, to_status=IdeaStatus.SUBMITTED
    ).exists()


def test_idea_create_save_button_keeps_a_draft(department_staff):
    client = client_for(department_staff)

    response = client.post(
        reverse("prototypes:create"),
        {"title": "Bara en början", "urgency": "2_normal", "save": "1"},
    )

    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert idea.status == IdeaStatus.DRAFT
    assert idea.submitted_at is None
    assert not IdeaEvent.objects.filter(idea=idea).exists()


def test_idea_create_complete_idea_with_save_button_is_still_a_draft(department_staff):
    client = client_for(department_staff)

    client.post(reverse("prototypes:create"), {**new_idea_data(), "save": "1"})

    assert Idea.objects.get().status == IdeaStatus.DRAFT


@pytest.mark.parametrize(
    ("upload", "name"),
    [
        (lambda: pdf_upload("stor-bilaga.pdf", size=MIB + 1), "stor-bilaga.pdf"),
        (lambda: SimpleUploadedFile("tool.exe", EXE_BYTES), "tool.exe"),
        (lambda: SimpleUploadedFile("omdopad.pdf", EXE_BYTES), "omdopad.pdf"),
    ],
    ids=["too-large", "wrong-type", "content-does-not-match-name"],
)
def test_idea_create_refused_attachment_keeps_what_the_user_typed(
    settings, department_staff, upload, name
):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    client = english(department_staff)
    data = new_idea_data(
        title="Felanmälan av gatubelysning",
        problem="Medborgarna ringer växeln om trasiga lampor i parken.",
    )

    response = client.post(
        reverse("prototypes:create"), {**data, "attachments": upload(), "submit": "1"}
    )

    assert response.status_code == 200
    assert not Idea.objects.exists()
    assert not IdeaAttachment.objects.exists()
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert name in html
    assert response.context["form"].errors["attachments"]
    assert name in " ".join(response.context["form"].errors["attachments"])
    assert "Felanmälan av gatubelysning" in html
    assert "Medborgarna ringer växeln om trasiga lampor i parken." in html


def test_idea_create_submit_without_required_answers_shows_errors_and_saves_nothing(
    department_staff,
):
    client = english(department_staff)
    # What the browser sends when only the title is filled in.
    data = {field: "" for field in CONTENT_FIELDS}

    response = client.post(
        reverse("prototypes:create"),
        {**data, "title": "Bara en titel", "urgency": "2_normal", "submit": "1"},
    )

    assert response.status_code == 200
    assert not Idea.objects.exists()
    errors = response.context["form"].errors
    assert set(REQUIRED_TO_SUBMIT[1:]) <= set(errors)
    assert "title" not in errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Bara en titel" in html


def test_idea_create_is_refused_to_the_lab_and_trainees(lab_lead, trainee):
    for user in (lab_lead, trainee):
        response = client_for(user).post(
            reverse("prototypes:create"), {**new_idea_data(), "submit": "1"}
        )
        assert response.status_code == 403
    assert not Idea.objects.exists()


# Editing -------------------------------------------------------------------------------
def test_idea_update_concurrent_edit_keeps_the_first_change_and_tells_the_second(
    department_staff, lab_lead
):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    submitter, lead = english(department_staff), english(lab_lead)
    url = reverse("prototypes:update", args=[idea.pk])
    first_form = submitter.get(url).context["form"]
    second_form = lead.get(url).context["form"]
    version = first_form["version"].value()
    assert second_form["version"].value() == version

    first = submitter.post(url, edit_data(idea, version, title="Ändrad av förvaltningen"))
    second = lead.post(
        url,
        edit_data(idea, version, title="Ändrad av labbet", problem="Labbets egen formulering."),
    )

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert CONFLICT in html
    assert 'id="error-summary"' in html
    assert "Ändrad av labbet" in html
    assert "Labbets egen formulering." in html
    idea.refresh_from_db()
    assert idea.title == "Ändrad av förvaltningen"
    assert idea.problem != "Labbets egen formulering."
    assert idea.version == version + 1


def test_idea_update_with_current_version_saves(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = client_for(department_staff)
    url = reverse("prototypes:update", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(url, edit_data(idea, version, improvement="Ett bättre formulär."))

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.improvement == "Ett bättre formulär."
    assert idea.version == version + 1


def test_idea_update_submitting_an_incomplete_draft_keeps_it_a_draft(department_staff):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        improvement="",
    )
    client = client_for(department_staff)
    url = reverse("prototypes:update", args=[draft.pk])
    version = client.get(url).context["form"]["version"].value()
    data = {**edit_data(draft, version, title="Nästan klar"), "submit": "1"}
    del data["save"]

    refused = client.post(url, data)

    draft.refresh_from_db()
    assert refused.status_code == 200
    assert "improvement" in refused.context["form"].errors
    assert draft.status == IdeaStatus.DRAFT
    assert draft.title != "Nästan klar"
    assert draft.version == version  # rolled back: the same form can be sent again

    completed = client.post(url, {**data, "improvement": "Ett e-formulär."})

    draft.refresh_from_db()
    assert completed.status_code == 302
    assert draft.status == IdeaStatus.SUBMITTED
    assert draft.title == "Nästan klar"


def test_idea_update_refused_attachment_keeps_the_edit_unsaved(settings, department_staff):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = english(department_staff)
    url = reverse("prototypes:update", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(
        url,
        {
            **edit_data(idea, version, problem="En ny beskrivning av problemet."),
            "attachments": pdf_upload("jättestor.pdf", size=MIB + 1),
        },
    )

    idea.refresh_from_db()
    assert response.status_code == 200
    assert "jättestor.pdf" in response.content.decode()
    assert "En ny beskrivning av problemet." in response.content.decode()
    assert idea.problem != "En ny beskrivning av problemet."
    assert not idea.attachments.exists()


def test_idea_update_is_refused_to_the_department_once_accepted(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )

    response = client_for(department_staff).post(
        reverse("prototypes:update", args=[idea.pk]), edit_data(idea, idea.version, title="Nej")
    )

    idea.refresh_from_db()
    assert response.status_code == 403
    assert idea.title != "Nej"
