"""Who hears of a status change (`prototypes.services.status` and `notify`)."""

from labportal.core.models import OutboxEmail
from prototypes.models import (
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Idea,
    IdeaEvent,
    IdeaStatus,
)
from prototypes.services.ideas import create_idea
from prototypes.services.notify import notify_submitter_of_event
from prototypes.services.status import transition_idea

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


def test_submitting_a_draft_queues_one_receipt_to_the_submitter(idea_of, department_staff):
    idea = idea_of(S.DRAFT)
    event = transition_idea(actor=department_staff, idea=idea, target=S.SUBMITTED)

    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key.startswith("idea-event:")
    assert email.key == f"idea-event:{event.pk}:{department_staff.pk}"
    assert idea.title in email.body_text


def test_create_idea_with_submit_queues_one_receipt(department_staff):
    create_idea(actor=department_staff, data=COMPLETE, submit=True)
    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key.startswith("idea-event:")


def test_lab_transition_queues_one_email_to_the_submitter(idea_of, department_staff, lab_lead):
    idea = idea_of()
    event = transition_idea(actor=lab_lead, idea=idea, target=S.DECLINED, note="Finns redan.")
    email = OutboxEmail.objects.get()
    assert email.to == department_staff.email
    assert email.key == f"idea-event:{event.pk}:{department_staff.pk}"
    assert "Finns redan." in email.body_text


def test_notifying_the_same_event_twice_queues_one_email(idea_of, lab_lead):
    idea = idea_of()
    event = transition_idea(actor=lab_lead, idea=idea, target=S.ACCEPTED)
    notify_submitter_of_event(event)
    notify_submitter_of_event(IdeaEvent.objects.get(pk=event.pk))
    assert OutboxEmail.objects.count() == 1


def test_transition_by_the_submitter_themselves_queues_no_email(idea_of, department_staff):
    idea = idea_of(S.NEEDS_INFORMATION)
    transition_idea(actor=department_staff, idea=idea, target=S.SUBMITTED)
    assert not OutboxEmail.objects.exists()


def test_transition_by_a_colleague_tells_the_submitter(idea_of, department_staff, colleague):
    idea = idea_of(S.NEEDS_INFORMATION)
    transition_idea(actor=colleague, idea=idea, target=S.SUBMITTED)
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [department_staff.email]


def test_transition_for_an_inactive_submitter_queues_no_email(idea_of, department_staff, lab_lead):
    idea = idea_of()
    department_staff.is_active = False
    department_staff.save(update_fields=["is_active"])
    transition_idea(actor=lab_lead, idea=idea, target=S.ACCEPTED)
    assert Idea.objects.get(pk=idea.pk).status == S.ACCEPTED
    assert not OutboxEmail.objects.exists()
