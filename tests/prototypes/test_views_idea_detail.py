"""The idea's page and its attachments: who sees what, and what the page shows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from labportal.core.models import AuditEntry
from prototypes.models import IdeaAttachment, IdeaComment, IdeaEvent, IdeaStatus
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english
from tests.prototypes.factories import PNG_BYTES, IdeaAttachmentFactory, IdeaFactory


@pytest.fixture
def idea_with_attachment(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    attachment = IdeaAttachmentFactory(
        idea=idea,
        file=SimpleUploadedFile("skiss.png", PNG_BYTES),
        original_name="skiss.png",
        content_type="image/png",
        size=len(PNG_BYTES),
    )
    return idea, attachment


@pytest.mark.parametrize("url_name", ["detail", "update", "attachment", "attachment_delete"])
def test_idea_pages_answer_404_to_staff_of_another_department(
    department_staff, outsider, idea_with_attachment, url_name
):
    idea, attachment = idea_with_attachment
    args = [idea.pk, attachment.pk] if url_name.startswith("attachment") else [idea.pk]
    url = reverse(f"prototypes:{url_name}", args=args)

    assert client_for(department_staff).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "target", "status"),
    [
        ("comment", None, 404),
        ("transition", "accepted", 404),
        ("evaluate", None, 404),
        # pages of the lab: refused for the role before any idea is looked up
        ("triage", None, 403),
        ("prototype", None, 403),
    ],
)
def test_idea_writes_are_refused_to_staff_of_another_department(
    outsider, idea_with_attachment, url_name, target, status
):
    idea, _attachment = idea_with_attachment
    args = [idea.pk, target] if target else [idea.pk]
    data = {"body": "Hej", "note": "", "benefit_realised": "5", "adoption": "use"}

    response = client_for(outsider).post(reverse(f"prototypes:{url_name}", args=args), data)

    assert response.status_code == status
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()
    assert not IdeaComment.objects.exists()


def test_idea_detail_is_403_for_a_trainee_and_404_for_the_lab_on_a_draft(trainee, lab_lead):
    draft = IdeaFactory(status=IdeaStatus.DRAFT)
    submitted = IdeaFactory()

    assert client_for(trainee).get(
        reverse("prototypes:detail", args=[submitted.pk])
    ).status_code == (403)
    assert client_for(lab_lead).get(reverse("prototypes:detail", args=[draft.pk])).status_code == (
        404
    )


def test_idea_detail_of_own_draft_lists_what_is_missing(department_staff):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        problem="",
        benefit_size="",
    )

    response = english(department_staff).get(reverse("prototypes:detail", args=[draft.pk]))

    assert response.status_code == 200
    assert set(response.context["missing"]) == {"problem", "benefit_size"}
    html = response.content.decode()
    assert "This is a draft: only you can see it." in html
    assert "size of the benefit" in html


def test_idea_detail_colleague_sees_a_submitted_idea_but_not_a_draft(department_staff):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    submitted = IdeaFactory(department=colleague.department, submitted_by=colleague)
    draft = IdeaFactory(
        department=colleague.department, submitted_by=colleague, status=IdeaStatus.DRAFT
    )
    client = client_for(department_staff)

    assert client.get(reverse("prototypes:detail", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("prototypes:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("prototypes:update", args=[draft.pk])).status_code == 404
    assert client_for(colleague).get(reverse("prototypes:detail", args=[draft.pk])).status_code == (
        200
    )


def test_idea_archived_draft_stays_its_authors_own(department_staff, lab_lead):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    draft = IdeaFactory(
        title="Övergivet utkast",
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
    )
    author = client_for(department_staff)

    archived = author.post(
        reverse("prototypes:transition", args=[draft.pk, "archived"]), {"note": ""}
    )

    draft.refresh_from_db()
    assert archived.status_code == 302
    assert draft.status == IdeaStatus.ARCHIVED
    detail = reverse("prototypes:detail", args=[draft.pk])
    assert author.get(detail).status_code == 200
    for user in (colleague, lab_lead):
        client = client_for(user)
        assert client.get(detail).status_code == 404
        assert "Övergivet utkast" not in client.get(reverse("prototypes:list")).content.decode()


def test_idea_detail_shows_the_idea_its_attachments_and_thread(lab_lead, idea_with_attachment):
    idea, attachment = idea_with_attachment
    IdeaComment.objects.create(idea=idea, author=lab_lead, body="Hur många ärenden?", from_lab=True)

    response = client_for(lab_lead).get(reverse("prototypes:detail", args=[idea.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert idea.title in html
    assert attachment.get_absolute_url() in html
    assert "Hur många ärenden?" in html


# Attachments ---------------------------------------------------------------------------
def test_attachment_download_returns_the_file_as_an_attachment(
    lab_lead, department_staff, idea_with_attachment
):
    idea, attachment = idea_with_attachment
    url = reverse("prototypes:attachment", args=[idea.pk, attachment.pk])

    for user in (lab_lead, department_staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG_BYTES
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="skiss.png"' in response["Content-Disposition"]
        assert response["Content-Type"] == "image/png"
    # each download is in the audit log: who fetched which file
    downloads = AuditEntry.objects.filter(action="idea.attachment_downloaded")
    assert [entry.actor for entry in downloads.order_by("pk")] == [lab_lead, department_staff]
    assert all(entry.details["name"] == "skiss.png" for entry in downloads)


def test_attachment_download_of_another_ideas_attachment_is_404(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    foreign = IdeaAttachmentFactory()

    url = reverse("prototypes:attachment", args=[idea.pk, foreign.pk])

    assert client_for(department_staff).get(url).status_code == 404


def test_attachment_delete_asks_on_get_and_deletes_on_post(
    department_staff, idea_with_attachment, django_capture_on_commit_callbacks
):
    idea, attachment = idea_with_attachment
    storage, name = attachment.file.storage, attachment.file.name
    client = english(department_staff)
    url = reverse("prototypes:attachment_delete", args=[idea.pk, attachment.pk])

    confirm = client.get(url)

    assert confirm.status_code == 200
    assert "skiss.png" in confirm.content.decode()
    assert 'method="post"' in confirm.content.decode()
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert not IdeaAttachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(name)


def test_attachment_delete_is_refused_once_the_lab_has_accepted(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )
    attachment = IdeaAttachmentFactory(idea=idea)
    url = reverse("prototypes:attachment_delete", args=[idea.pk, attachment.pk])

    response = client_for(department_staff).post(url)

    assert response.status_code == 403
    assert IdeaAttachment.objects.filter(pk=attachment.pk).exists()
