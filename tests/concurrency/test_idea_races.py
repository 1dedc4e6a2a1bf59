"""Two people deciding about the same idea at the same moment, each on a connection of
its own: one decision is taken, the other is refused as made on a state that no longer
holds, and the history has one event per status change."""

import pytest
from django.core.exceptions import ValidationError

from cohorts.models import Assignment, AssignmentEvent, AssignmentStatus
from cohorts.services.planning_moves import cancel_assignment, move_assignment
from labportal.core.models import AuditEntry
from prototypes.models import Evaluation, Idea, IdeaComment, IdeaStatus, PrototypeRecord
from prototypes.services.comments import add_comment
from prototypes.services.evaluation import record_evaluation
from prototypes.services.prototype_record import save_prototype_record
from prototypes.services.status import transition_idea
from prototypes.services.triage import update_triage
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import AssignmentFactory
from tests.concurrency.race import code_of, in_rounds, race, winner_and_loser
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)
S = IdeaStatus


def two_leads():
    return UserFactory(role="lab_lead"), UserFactory(role="lab_lead")


def page(idea):
    """The idea as a lead's page loaded it, before either acted."""
    return Idea.objects.get(pk=idea.pk)


def moves(idea):
    return list(idea.events.order_by("pk").values_list("from_status", "to_status"))


def status_changes(idea):
    return AuditEntry.objects.filter(action="idea.status_changed", object_id=str(idea.pk)).count()


@in_rounds
def test_accepting_and_declining_the_same_idea_at_once_takes_one_decision(mode):
    idea = IdeaFactory()
    ada, bert = two_leads()
    accepting, declining = page(idea), page(idea)

    actors = race(
        mode,
        lambda: transition_idea(actor=ada, idea=accepting, target=S.ACCEPTED),
        lambda: transition_idea(
            actor=bert, idea=declining, target=S.DECLINED, note="Passar inte labbet."
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert isinstance(loser.error, ValidationError)
    assert code_of(loser.error) == "stale"
    idea.refresh_from_db()
    assert idea.status == winner.result.to_status
    assert moves(idea) == [(S.SUBMITTED, idea.status)]
    assert idea.version == 2
    assert idea.decline_reason == ("Passar inte labbet." if idea.is_declined else "")
    assert status_changes(idea) == 1


@in_rounds
def test_two_leads_accepting_the_same_idea_at_once_accept_it_once(mode):
    idea = IdeaFactory()
    ada, bert = two_leads()
    first, second = page(idea), page(idea)

    actors = race(
        mode,
        lambda: transition_idea(actor=ada, idea=first, target=S.ACCEPTED),
        lambda: transition_idea(actor=bert, idea=second, target=S.ACCEPTED),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "stale"
    idea.refresh_from_db()
    assert idea.status == S.ACCEPTED
    assert moves(idea) == [(S.SUBMITTED, S.ACCEPTED)]
    assert idea.events.get().actor == winner.result.actor
    assert status_changes(idea) == 1


@in_rounds
def test_archiving_while_another_lead_accepts_takes_one_decision(mode):
    idea = IdeaFactory()
    ada, bert = two_leads()
    accepting, archiving = page(idea), page(idea)

    actors = race(
        mode,
        lambda: transition_idea(actor=ada, idea=accepting, target=S.ACCEPTED),
        lambda: transition_idea(actor=bert, idea=archiving, target=S.ARCHIVED),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "stale"
    idea.refresh_from_db()
    assert moves(idea) == [(S.SUBMITTED, winner.result.to_status)]
    assert idea.status == winner.result.to_status


@in_rounds
def test_two_leads_assessing_the_same_idea_at_once_save_one_assessment(mode):
    idea = IdeaFactory(status=S.ACCEPTED)
    ada, bert = two_leads()
    python, design = SkillFactory(), SkillFactory()
    first, second = page(idea), page(idea)

    actors = race(
        mode,
        lambda: update_triage(
            actor=ada,
            idea=first,
            expected_version=first.version,
            skills=[python],
            size_weeks=4,
            ready_to_plan=True,
        ),
        lambda: update_triage(
            actor=bert,
            idea=second,
            expected_version=second.version,
            skills=[design],
            size_weeks=12,
            ready_to_plan=False,
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    idea.refresh_from_db()
    assert idea.version == 2
    assert (idea.size_weeks, idea.ready_to_plan) == (
        winner.result.size_weeks,
        winner.result.ready_to_plan,
    )
    assert list(idea.skills.all()) == list(winner.result.skills.all())
    assert AuditEntry.objects.filter(action="idea.triaged", object_id=str(idea.pk)).count() == 1


@in_rounds
def test_the_department_answering_while_a_lead_resumes_triage_sends_it_back_once(mode):
    idea = IdeaFactory(status=S.NEEDS_INFORMATION)
    staff = idea.submitted_by
    lead = UserFactory(role="lab_lead")
    answering, resuming = page(idea), page(idea)

    actors = race(
        mode,
        lambda: add_comment(actor=staff, idea=answering, body="Det gäller 40 handläggare."),
        lambda: transition_idea(actor=lead, idea=resuming, target=S.SUBMITTED),
    )

    answer, resume = actors
    # The answer is always kept; only one of the two moves the idea.
    assert answer.succeeded, answer.error
    assert resume.succeeded or code_of(resume.error) == "stale"
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED
    assert moves(idea) == [(S.NEEDS_INFORMATION, S.SUBMITTED)]
    assert IdeaComment.objects.filter(idea=idea).count() == 1


@in_rounds
def test_two_colleagues_evaluating_the_same_prototype_at_once_evaluate_it_once(mode):
    idea = IdeaFactory(status=S.DELIVERED)
    colleague = UserFactory(role="department_staff", department=idea.department)
    first, second = page(idea), page(idea)

    actors = race(
        mode,
        lambda: record_evaluation(
            actor=idea.submitted_by, idea=first, benefit_realised=4, adoption="use"
        ),
        lambda: record_evaluation(actor=colleague, idea=second, benefit_realised=2, adoption="no"),
    )

    winner, loser = winner_and_loser(actors)
    assert isinstance(loser.error, ValidationError)
    idea.refresh_from_db()
    assert idea.status == S.EVALUATED
    assert Evaluation.objects.get(idea=idea).pk == winner.result.pk
    assert moves(idea) == [(S.DELIVERED, S.EVALUATED)]


@in_rounds
def test_cancelling_a_plan_while_another_lead_starts_the_work_does_one(mode):
    assignment = AssignmentFactory(idea=IdeaFactory(status=S.PLANNED))
    idea = assignment.idea
    ada, bert = two_leads()
    cancelling = Assignment.objects.get(pk=assignment.pk)
    starting = Assignment.objects.get(pk=assignment.pk)

    actors = race(
        mode,
        lambda: cancel_assignment(
            actor=ada,
            assignment=cancelling,
            expected_version=cancelling.version,
            reason="Förvaltningen har inte tid i vår.",
        ),
        lambda: move_assignment(
            actor=bert,
            assignment=starting,
            target=AssignmentStatus.IN_PROGRESS,
            expected_version=starting.version,
        ),
    )

    cancel, _start = actors
    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    assignment.refresh_from_db()
    idea.refresh_from_db()
    if winner is cancel:
        assert (assignment.status, idea.status) == (AssignmentStatus.CANCELLED, S.ACCEPTED)
    else:
        assert (assignment.status, idea.status) == (AssignmentStatus.IN_PROGRESS, S.IN_PROGRESS)
    assert moves(idea) == [(S.PLANNED, idea.status)]
    assert AssignmentEvent.objects.filter(assignment=assignment).count() == 1


@in_rounds
def test_two_leads_saving_the_first_prototype_record_at_once_keep_one(mode):
    idea = IdeaFactory(status=S.ACCEPTED)
    ada, bert = two_leads()
    first = PrototypeRecord(idea=page(idea), working_title="Bygglovsguiden")
    second = PrototypeRecord(idea=page(idea), working_title="Bygglov på nätet")

    actors = race(
        mode,
        lambda: save_prototype_record(actor=ada, record=first),
        lambda: save_prototype_record(actor=bert, record=second),
    )

    # Saving it again is an edit: both saves are taken, the later one stands.
    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    kept = PrototypeRecord.objects.get(idea=idea)
    assert {first.pk, second.pk} == {kept.pk}
    actions = AuditEntry.objects.filter(object_id=str(idea.pk), action__startswith="prototype.")
    assert sorted(actions.values_list("action", flat=True)) == [
        "prototype.created",
        "prototype.updated",
    ]
