"""The question thread (`prototypes.services.comments`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import (
    Idea,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
)
from prototypes.services.comments import add_comment
from tests.accounts.factories import UserFactory

S = IdeaStatus


def test_add_comment_asking_for_information_moves_the_idea_and_sends_one_email(
    idea_of, department_staff, lab_lead
):
    idea = idea_of()
    comment = add_comment(
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
    comment = add_comment(actor=lab_lead, idea=idea, body="Vi tittar på den nästa vecka.")
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

    comment = add_comment(actor=department_staff, idea=idea, body="Ungefär 2 000 per år.")

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
    add_comment(actor=department_staff, idea=idea, body="Ett tillägg.")
    assert Idea.objects.get(pk=idea.pk).status == S.SUBMITTED
    assert not IdeaEvent.objects.exists()
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [lab_lead.email]


@pytest.mark.parametrize("body", ["", "   \n\t"])
def test_add_comment_empty_is_refused(idea_of, lab_lead, body):
    idea = idea_of()
    with pytest.raises(ValidationError) as error:
        add_comment(actor=lab_lead, idea=idea, body=body, ask_for_information=True)
    assert "body" in error.value.message_dict
    assert Idea.objects.get(pk=idea.pk).status == S.SUBMITTED
    assert not IdeaComment.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_add_comment_by_someone_without_a_party_is_denied(request, idea_of, persona):
    idea = idea_of()
    with pytest.raises(PermissionDenied):
        add_comment(actor=request.getfixturevalue(persona), idea=idea, body="Hej")
    assert not IdeaComment.objects.exists()


@pytest.mark.parametrize(
    ("status", "persona"),
    [(S.DRAFT, "department_staff"), (S.ARCHIVED, "lab_lead"), (S.ARCHIVED, "department_staff")],
)
def test_add_comment_on_a_draft_or_archived_idea_is_denied(request, idea_of, status, persona):
    idea = idea_of(status)
    with pytest.raises(PermissionDenied):
        add_comment(actor=request.getfixturevalue(persona), idea=idea, body="Hej")
    assert not IdeaComment.objects.exists()
