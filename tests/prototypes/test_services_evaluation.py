"""The department's evaluation (`prototypes.services.evaluation`)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import (
    Adoption,
    Evaluation,
    Idea,
    IdeaEvent,
    IdeaStatus,
)
from prototypes.services.evaluation import record_evaluation
from prototypes.services.status import transition_idea

S = IdeaStatus


def test_record_evaluation_of_a_delivered_prototype(idea_of, colleague):
    idea = idea_of(S.DELIVERED)
    evaluation = record_evaluation(
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
    record_evaluation(
        actor=department_staff, idea=idea, benefit_realised=5, adoption=Adoption.PROCURE
    )
    stale_copy = Idea.objects.get(pk=idea.pk)
    stale_copy.status = S.DELIVERED  # a second form opened before the first was sent
    with pytest.raises(ValidationError):
        record_evaluation(
            actor=colleague, idea=stale_copy, benefit_realised=1, adoption=Adoption.NO
        )
    assert Evaluation.objects.get(idea=idea).benefit_realised == 5
    assert IdeaEvent.objects.filter(idea=idea).count() == 1


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.ARCHIVED])
def test_record_evaluation_of_a_not_delivered_idea_is_refused(idea_of, department_staff, status):
    idea = idea_of(status)
    with pytest.raises(ValidationError):
        record_evaluation(
            actor=department_staff, idea=idea, benefit_realised=3, adoption=Adoption.UNDECIDED
        )
    assert not Evaluation.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == status


@pytest.mark.parametrize("persona", ["lab_lead", "admin", "trainee", "outsider"])
def test_record_evaluation_by_someone_outside_the_department_is_denied(request, idea_of, persona):
    idea = idea_of(S.DELIVERED)
    with pytest.raises(PermissionDenied):
        record_evaluation(
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
        record_evaluation(
            actor=department_staff,
            idea=idea,
            benefit_realised=benefit_realised,
            adoption=Adoption.NO,
        )
    assert not Evaluation.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == S.DELIVERED


def test_record_evaluation_moves_the_idea_through_the_table(idea_of, department_staff, colleague):
    idea = idea_of(S.DELIVERED)

    record_evaluation(actor=colleague, idea=idea, benefit_realised=3, adoption=Adoption.UNDECIDED)

    row = Idea.objects.get(pk=idea.pk)
    assert (row.status, row.version) == (S.EVALUATED, 2)  # a form prepared before is outdated
    audit = AuditEntry.objects.get(action="idea.status_changed", object_id=str(idea.pk))
    assert audit.details == {"source": S.DELIVERED, "target": S.EVALUATED}
    # the submitter hears of a status change a colleague made, as of every other
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [department_staff.email]


def test_record_evaluation_is_the_only_way_to_evaluated(idea_of, department_staff):
    idea = idea_of(S.DELIVERED)
    with pytest.raises(ValidationError) as error:
        transition_idea(actor=department_staff, idea=idea, target=S.EVALUATED)
    assert error.value.code == "illegal_transition"
    assert Idea.objects.get(pk=idea.pk).status == S.DELIVERED
