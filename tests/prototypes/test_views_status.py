"""The question thread and the status changes, through the idea's pages."""

import pytest
from django.urls import reverse

from labportal.core.models import OutboxEmail
from prototypes.models import IdeaComment, IdeaEvent, IdeaStatus
from tests.conftest import client_for, english
from tests.prototypes.factories import IdeaFactory


# The question thread -------------------------------------------------------------------
def test_idea_question_answer_and_decline_cycle(department_staff, lab_lead, admin):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    lead, submitter = english(lab_lead), english(department_staff)
    detail = reverse("prototypes:detail", args=[idea.pk])

    # the lab asks
    asked = lead.post(
        reverse("prototypes:comment", args=[idea.pk]),
        {"body": "Hur många ansökningar kommer per månad?", "ask_for_information": "on"},
    )
    idea.refresh_from_db()
    question = IdeaComment.objects.get(idea=idea)
    assert asked.status_code == 302
    assert asked.url.startswith(detail)
    assert idea.status == IdeaStatus.NEEDS_INFORMATION
    assert question.from_lab
    emails = OutboxEmail.objects.all()
    assert [(email.key, email.to) for email in emails] == [
        (f"idea-comment:{question.pk}:{department_staff.pk}", department_staff.email)
    ]

    # the department answers
    answered = submitter.post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": "Ungefär trehundra."}
    )
    idea.refresh_from_db()
    answer = IdeaComment.objects.exclude(pk=question.pk).get()
    assert answered.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert not answer.from_lab
    answer_emails = OutboxEmail.objects.filter(key__startswith=f"idea-comment:{answer.pk}:")
    assert [email.to for email in answer_emails] == [lab_lead.email]

    # the lab declines: a reason is required
    transition = reverse("prototypes:transition", args=[idea.pk, "declined"])
    assert lead.get(transition).status_code == 200
    without_note = lead.post(transition, {"note": "  "})
    idea.refresh_from_db()
    assert without_note.status_code == 200
    assert without_note.context["form"].errors["note"]
    assert 'id="error-summary"' in without_note.content.decode()
    assert idea.status == IdeaStatus.SUBMITTED

    declined = lead.post(transition, {"note": "Det finns redan en e-tjänst för detta."})
    idea.refresh_from_db()
    assert declined.status_code == 302
    assert declined.url == detail
    assert idea.status == IdeaStatus.DECLINED
    assert idea.decline_reason == "Det finns redan en e-tjänst för detta."
    assert idea.decided_at is not None

    page = submitter.get(detail).content.decode()
    assert "Why the lab declined:" in page
    assert "Det finns redan en e-tjänst för detta." in page


def test_idea_comment_from_the_lab_without_question_keeps_the_status(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": "Tack, vi tittar på den."}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == 1


def test_idea_comment_empty_body_shows_the_page_with_an_error(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:comment", args=[idea.pk]), {"body": ""}
    )

    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert not IdeaComment.objects.exists()
    assert not OutboxEmail.objects.exists()


# Status changes ------------------------------------------------------------------------
def test_idea_transition_illegal_target_redirects_with_an_error(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = english(lab_lead)

    response = client.get(reverse("prototypes:transition", args=[idea.pk, "delivered"]))
    posted = client.post(
        reverse("prototypes:transition", args=[idea.pk, "delivered"]), {"note": "x"}
    )

    assert response.status_code == 302
    assert response.url == reverse("prototypes:detail", args=[idea.pk])
    assert posted.status_code == 302
    page = client.get(response.url).content.decode()
    assert "cannot become “Delivered”" in page
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()


def test_idea_transition_submitting_an_incomplete_draft_is_refused_on_the_page(
    department_staff,
):
    draft = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
        benefit_kind="",
    )
    client = english(department_staff)
    url = reverse("prototypes:transition", args=[draft.pk, "submitted"])
    assert client.get(url).status_code == 200

    response = client.post(url, {"note": ""})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert "The idea is not complete yet" in response.content.decode()
    assert draft.status == IdeaStatus.DRAFT


def test_idea_transition_question_by_the_lab_needs_a_note_and_emails_the_submitter(
    department_staff, lab_lead
):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    client = client_for(lab_lead)
    url = reverse("prototypes:transition", args=[idea.pk, "needs_information"])

    refused = client.post(url, {"note": ""})
    asked = client.post(url, {"note": "Vilket system används i dag?"})

    idea.refresh_from_db()
    assert refused.status_code == 200
    assert asked.status_code == 302
    assert idea.status == IdeaStatus.NEEDS_INFORMATION
    assert idea.triaged_at is not None
    assert [email.to for email in OutboxEmail.objects.all()] == [department_staff.email]


def test_idea_transition_unknown_target_is_404(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).get(reverse("prototypes:transition", args=[idea.pk, "nope"]))

    assert response.status_code == 404


def test_idea_transition_accept_by_lab_lead(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:transition", args=[idea.pk, "accepted"]), {"note": ""}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.ACCEPTED
    assert idea.triaged_at is not None
    assert idea.decided_at is not None
    assert OutboxEmail.objects.filter(to=department_staff.email).count() == 1


def test_idea_transition_department_cannot_accept_its_own_idea(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(department_staff).post(
        reverse("prototypes:transition", args=[idea.pk, "accepted"]), {"note": ""}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.SUBMITTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()


@pytest.mark.parametrize(
    ("target", "explanation", "button"),
    [
        ("declined", "Declining tells the department why", "btn btn-danger"),
        ("needs_information", "The department gets your question by email", "btn btn-primary"),
        ("archived", "An archived idea is kept", "btn btn-danger"),
        ("accepted", "The submitter gets an email about the change.", "btn btn-primary"),
    ],
)
def test_idea_transition_page_explains_the_change_from_the_table(
    department_staff, lab_lead, target, explanation, button
):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = english(lab_lead).get(reverse("prototypes:transition", args=[idea.pk, target]))

    html = response.content.decode()
    assert response.status_code == 200
    assert explanation in html
    assert f'<button type="submit" class="{button}">' in html


def test_idea_detail_offers_destructive_changes_as_warnings(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    html = client_for(lab_lead).get(reverse("prototypes:detail", args=[idea.pk])).content.decode()

    for target, style in (("declined", "danger"), ("archived", "danger"), ("accepted", "primary")):
        url = reverse("prototypes:transition", args=[idea.pk, target])
        assert f'class="btn btn-outline-{style}" href="{url}"' in html


def test_idea_detail_the_department_answers_a_question_with_send_the_answer(
    department_staff, lab_lead
):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.NEEDS_INFORMATION,
    )
    url = reverse("prototypes:detail", args=[idea.pk])

    department_page = english(department_staff).get(url)
    lab_page = english(lab_lead).get(url)

    assert department_page.context["is_answering"] is True
    assert "Send the answer" in department_page.content.decode()
    assert lab_page.context["is_answering"] is False
    assert "Send the answer" not in lab_page.content.decode()
