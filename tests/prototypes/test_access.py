"""Who may do what with an idea (`prototypes.access`): every persona against every rule."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from prototypes import access
from prototypes.models import IdeaStatus
from tests.prototypes.factories import IdeaAttachmentFactory

S = IdeaStatus
PERSONAS = ["admin", "lab_lead", "department_staff", "colleague", "trainee", "outsider"]


def test_can_read_ideas_is_for_the_lab_and_department_staff(request):
    readers = {name for name in PERSONAS if access.can_read_ideas(request.getfixturevalue(name))}
    assert readers == {"admin", "lab_lead", "department_staff", "colleague", "outsider"}
    assert not access.can_read_ideas(AnonymousUser())


def test_is_lab_is_admins_and_lab_leads(request):
    lab = {name for name in PERSONAS if access.is_lab(request.getfixturevalue(name))}
    assert lab == {"admin", "lab_lead"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.SUBMITTED, {"admin": "lab", "lab_lead": "lab", "department_staff": "department"}),
        # a draft is its author's own: the colleague has no part in it yet
        (S.DRAFT, {"admin": "lab", "lab_lead": "lab", "department_staff": "department"}),
    ],
)
def test_party_of_an_idea(request, idea_of, status, expected):
    idea = idea_of(status)
    parties = {name: access.party_of(request.getfixturevalue(name), idea) for name in PERSONAS}
    colleague = "department" if status != S.DRAFT else None
    assert parties == {**expected, "colleague": colleague, "trainee": None, "outsider": None}


def test_party_of_an_inactive_user_is_none(idea_of, lab_lead):
    lab_lead.is_active = False
    assert access.party_of(lab_lead, idea_of()) is None


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (access.can_edit_content, {S.DRAFT, S.SUBMITTED, S.NEEDS_INFORMATION}),
        (access.can_comment, set(S) - {S.DRAFT, S.ARCHIVED}),
        (access.can_evaluate, {S.DELIVERED}),
        (access.is_answering, {S.NEEDS_INFORMATION}),
        (access.can_triage, set()),
        (access.can_ask_for_information, set()),
        (access.can_keep_prototype_record, set()),
    ],
)
def test_department_rules_follow_the_status(idea_of, department_staff, rule, allowed):
    assert {status for status in S if rule(department_staff, idea_of(status))} == allowed


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (access.can_edit_content, set(S) - {S.DRAFT, S.ARCHIVED}),
        (access.can_triage, set(S) - {S.DRAFT}),
        (access.can_ask_for_information, {S.SUBMITTED}),
        (
            access.can_keep_prototype_record,
            {S.ACCEPTED, S.PLANNED, S.IN_PROGRESS, S.DELIVERED, S.EVALUATED},
        ),
        (access.can_evaluate, set()),
        (access.is_answering, set()),
    ],
)
def test_lab_rules_follow_the_status(idea_of, lab_lead, rule, allowed):
    # The lab never works on a draft: the factory's drafts were never submitted.
    assert {status for status in S if rule(lab_lead, idea_of(status))} == allowed


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_no_rule_allows_someone_without_a_party(request, idea_of, persona):
    user = request.getfixturevalue(persona)
    rules = [
        access.can_edit_content,
        access.can_triage,
        access.can_comment,
        access.can_ask_for_information,
        access.can_evaluate,
        access.can_keep_prototype_record,
    ]
    assert not any(rule(user, idea_of(status)) for rule in rules for status in S)


def test_can_create_idea_is_for_department_staff_only(request):
    creators = {name for name in PERSONAS if access.can_create_idea(request.getfixturevalue(name))}
    assert creators == {"department_staff", "colleague", "outsider"}


def test_get_idea_for_user_answers_404_for_what_the_user_may_not_see(
    idea_of, department_staff, outsider, lab_lead
):
    idea = idea_of()
    draft = idea_of(S.DRAFT)
    attachment = IdeaAttachmentFactory(idea=idea)

    assert access.get_idea_for_user(department_staff, idea.pk) == idea
    assert access.get_attachment_for_user(lab_lead, idea.pk, attachment.pk) == attachment
    with pytest.raises(Http404):
        access.get_idea_for_user(outsider, idea.pk)
    with pytest.raises(Http404):
        access.get_idea_page_for_user(lab_lead, draft.pk)
    with pytest.raises(Http404):
        access.get_attachment_for_user(outsider, idea.pk, attachment.pk)
    assert set(access.visible_ideas(outsider)) == set()
