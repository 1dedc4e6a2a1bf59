import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from labportal.core.models import AuditEntry, OutboxEmail
from prototypes import access, workflow
from prototypes.models import Idea, IdeaEvent, IdeaStatus
from prototypes.services.status import apply_transition, transition_idea
from tests.accounts.factories import UserFactory

S = IdeaStatus
OFFERED = [t for t in workflow.TRANSITIONS if t.offered]


def actor_for(party, lab_lead, department_staff):
    return lab_lead if party == access.LAB else department_staff


def move(actor, idea, target, note=""):
    return transition_idea(actor=actor, idea=idea, target=target, note=note)


# The table ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "transition", OFFERED, ids=[f"{t.source}->{t.target}-by-{t.by}" for t in OFFERED]
)
def test_transition_idea_allows_every_offered_transition_of_the_table_to_its_party(
    idea_of, lab_lead, department_staff, transition
):
    # given
    idea = idea_of(transition.source)
    actor = actor_for(transition.by, lab_lead, department_staff)
    # when
    event = move(actor, idea, transition.target, note="En anteckning")
    # then
    idea.refresh_from_db()
    assert idea.status == transition.target
    assert (event.idea_id, event.actor, event.from_status, event.to_status, event.note) == (
        idea.pk,
        actor,
        transition.source,
        transition.target,
        "En anteckning",
    )
    assert list(IdeaEvent.objects.filter(idea=idea)) == [event]
    audit = AuditEntry.objects.get(action="idea.status_changed", object_id=str(idea.pk))
    assert audit.actor == actor
    assert audit.object_type == "prototypes.idea"
    assert audit.details == {"source": transition.source, "target": transition.target}
    # a form prepared before the change is now outdated
    assert idea.version == 2
    for stamp in transition.stamps:
        assert getattr(idea, stamp) is not None, stamp


@pytest.mark.parametrize(
    ("source", "target", "party"),
    [
        (S.DRAFT, S.ACCEPTED, access.LAB),
        (S.DRAFT, S.DELIVERED, access.DEPARTMENT),
        (S.SUBMITTED, S.DELIVERED, access.LAB),
        (S.SUBMITTED, S.PLANNED, access.LAB),
        (S.SUBMITTED, S.SUBMITTED, access.LAB),
        (S.SUBMITTED, S.EVALUATED, access.DEPARTMENT),
        (S.NEEDS_INFORMATION, S.ACCEPTED, access.LAB),
        (S.ACCEPTED, S.IN_PROGRESS, access.LAB),
        (S.ACCEPTED, S.SUBMITTED, access.LAB),
        (S.DECLINED, S.ACCEPTED, access.LAB),
        (S.DECLINED, S.SUBMITTED, access.DEPARTMENT),
        (S.PLANNED, S.DELIVERED, access.LAB),
        (S.IN_PROGRESS, S.ACCEPTED, access.LAB),
        (S.DELIVERED, S.EVALUATED, access.LAB),  # only by recording the evaluation
        (S.DELIVERED, S.EVALUATED, access.DEPARTMENT),
        (S.EVALUATED, S.DELIVERED, access.LAB),
        (S.ARCHIVED, S.SUBMITTED, access.LAB),
        (S.ARCHIVED, S.SUBMITTED, access.DEPARTMENT),
        (S.ARCHIVED, S.DRAFT, access.DEPARTMENT),
    ],
)
def test_transition_idea_refuses_illegal_transitions(
    idea_of, lab_lead, department_staff, source, target, party
):
    idea = idea_of(source)
    with pytest.raises(ValidationError) as error:
        move(actor_for(party, lab_lead, department_staff), idea, target, note="Varför inte")
    assert error.value.code == "illegal_transition"
    idea.refresh_from_db()
    assert idea.status == source
    assert not IdeaEvent.objects.filter(idea=idea).exists()
    assert not AuditEntry.objects.filter(action="idea.status_changed").exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.SUBMITTED, S.ACCEPTED),
        (S.SUBMITTED, S.DECLINED),
        (S.SUBMITTED, S.NEEDS_INFORMATION),
        (S.ACCEPTED, S.ARCHIVED),
        (S.SUBMITTED, S.ARCHIVED),
    ],
)
def test_transition_idea_by_department_to_a_lab_transition_is_denied(
    idea_of, department_staff, source, target
):
    idea = idea_of(source)
    with pytest.raises(PermissionDenied):
        move(department_staff, idea, target, note="Vi bestämmer själva")
    idea.refresh_from_db()
    assert idea.status == source
    assert not IdeaEvent.objects.exists()


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.ACCEPTED, S.PLANNED),
        (S.PLANNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.DELIVERED),
        (S.PLANNED, S.ACCEPTED),
    ],
)
def test_transition_idea_leaves_the_moves_of_a_plan_to_the_planning_board(
    idea_of, lab_lead, source, target
):
    # An idea "planned" without a plan could never be planned again: only the planning
    # services, which write the plan in the same transaction, make these moves.
    idea = idea_of(source)
    with pytest.raises(ValidationError) as error:
        move(lab_lead, idea, target, note="Vi planerar på idésidan")
    assert error.value.code == "illegal_transition"
    idea.refresh_from_db()
    assert idea.status == source
    assert not IdeaEvent.objects.exists()
    assert all(t.target != target for t in workflow.available_transitions(lab_lead, idea))


def test_transition_idea_submit_of_a_draft_by_the_lab_is_denied(idea_of, lab_lead):
    idea = idea_of(S.DRAFT)
    with pytest.raises(PermissionDenied):
        move(lab_lead, idea, S.SUBMITTED)
    idea.refresh_from_db()
    assert idea.status == S.DRAFT


@pytest.mark.parametrize("persona", ["trainee", "outsider"])
def test_transition_idea_by_someone_without_a_party_is_denied(request, idea_of, persona):
    idea = idea_of(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        move(request.getfixturevalue(persona), idea, S.ARCHIVED)
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED


def test_transition_idea_by_inactive_lab_lead_is_denied(idea_of, lab_lead):
    lab_lead.is_active = False
    lab_lead.save(update_fields=["is_active"])
    idea = idea_of(S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        move(lab_lead, idea, S.ACCEPTED)


def test_transition_idea_by_admin_counts_as_the_lab(idea_of, admin):
    idea = idea_of(S.SUBMITTED)
    move(admin, idea, S.ACCEPTED)
    idea.refresh_from_db()
    assert idea.status == S.ACCEPTED


def test_transition_idea_colleague_can_send_back_but_not_touch_a_draft(
    idea_of, department, department_staff
):
    colleague = UserFactory(role="department_staff", department=department)
    waiting = idea_of(S.NEEDS_INFORMATION)
    draft = idea_of(S.DRAFT)

    move(colleague, waiting, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        move(colleague, draft, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        move(colleague, draft, S.ARCHIVED)

    waiting.refresh_from_db()
    draft.refresh_from_db()
    assert waiting.status == S.SUBMITTED
    assert draft.status == S.DRAFT


def test_transition_idea_submit_of_an_incomplete_draft_is_refused(idea_of, department_staff):
    idea = idea_of(S.DRAFT, problem="", benefit_size="")
    with pytest.raises(ValidationError):
        move(department_staff, idea, S.SUBMITTED)
    idea.refresh_from_db()
    assert idea.status == S.DRAFT
    assert idea.submitted_at is None
    assert not IdeaEvent.objects.exists()


# Notes --------------------------------------------------------------------------------
@pytest.mark.parametrize("note", ["", "   \n "])
def test_transition_idea_decline_without_a_note_is_refused(idea_of, lab_lead, note):
    idea = idea_of(S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        move(lab_lead, idea, S.DECLINED, note=note)
    assert "note" in error.value.message_dict
    idea.refresh_from_db()
    assert (idea.status, idea.decline_reason, idea.decided_at) == (S.SUBMITTED, "", None)


def test_transition_idea_asking_for_information_without_a_note_is_refused(idea_of, lab_lead):
    idea = idea_of(S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        move(lab_lead, idea, S.NEEDS_INFORMATION)
    assert "note" in error.value.message_dict
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED


def test_transition_idea_decline_stores_the_reason(idea_of, lab_lead):
    idea = idea_of(S.SUBMITTED)
    event = move(lab_lead, idea, S.DECLINED, note="  Finns redan i e-tjänsteplattformen.  ")
    idea.refresh_from_db()
    assert idea.status == S.DECLINED
    assert idea.decline_reason == "Finns redan i e-tjänsteplattformen."
    assert event.note == "Finns redan i e-tjänsteplattformen."


def test_transition_idea_updates_the_callers_object(idea_of, lab_lead):
    idea = idea_of(S.SUBMITTED)
    move(lab_lead, idea, S.ACCEPTED)
    assert idea.status == S.ACCEPTED
    assert idea.decided_at is not None


# Timestamps ---------------------------------------------------------------------------
def test_transition_idea_sets_each_timestamp_once_along_the_way(
    idea_of, lab_lead, department_staff
):
    idea = idea_of(S.DRAFT)
    assert (idea.submitted_at, idea.triaged_at, idea.decided_at, idea.delivered_at) == (
        None,
        None,
        None,
        None,
    )

    move(department_staff, idea, S.SUBMITTED)
    idea.refresh_from_db()
    submitted_at = idea.submitted_at
    assert submitted_at is not None
    assert idea.triaged_at is None

    move(lab_lead, idea, S.NEEDS_INFORMATION, note="Hur många ansökningar per år?")
    idea.refresh_from_db()
    triaged_at = idea.triaged_at
    assert triaged_at is not None
    assert triaged_at >= submitted_at
    assert idea.decided_at is None

    move(department_staff, idea, S.SUBMITTED)
    idea.refresh_from_db()
    assert idea.submitted_at == submitted_at  # re-sending is not a new submission

    move(lab_lead, idea, S.ACCEPTED)
    idea.refresh_from_db()
    assert idea.triaged_at == triaged_at  # the first reaction of the lab, kept
    decided_at = idea.decided_at
    assert decided_at is not None
    assert decided_at >= triaged_at
    assert idea.delivered_at is None

    for target in (S.PLANNED, S.IN_PROGRESS, S.DELIVERED):  # as the planning board does
        apply_transition(lab_lead, idea, target, note="", offered_only=False)
    idea.refresh_from_db()
    assert idea.delivered_at is not None
    assert idea.delivered_at >= decided_at
    assert (idea.submitted_at, idea.triaged_at, idea.decided_at) == (
        submitted_at,
        triaged_at,
        decided_at,
    )
    assert list(IdeaEvent.objects.filter(idea=idea).values_list("from_status", "to_status")) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.NEEDS_INFORMATION),
        (S.NEEDS_INFORMATION, S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.PLANNED),
        (S.PLANNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.DELIVERED),
    ]
    assert (
        AuditEntry.objects.filter(action="idea.status_changed", object_id=str(idea.pk)).count() == 7
    )


def test_transition_idea_decline_sets_triaged_and_decided_at(idea_of, lab_lead):
    idea = idea_of(S.SUBMITTED)
    move(lab_lead, idea, S.DECLINED, note="Inte nu.")
    idea.refresh_from_db()
    assert idea.triaged_at is not None
    assert idea.decided_at is not None
    assert idea.delivered_at is None


def test_transition_idea_by_the_department_does_not_count_as_triage(idea_of, department_staff):
    idea = idea_of(S.NEEDS_INFORMATION)
    move(department_staff, idea, S.SUBMITTED)
    idea.refresh_from_db()
    assert idea.triaged_at is None


# Concurrency ----------------------------------------------------------------------------
@pytest.mark.parametrize("target", [S.ACCEPTED, S.DECLINED, S.NEEDS_INFORMATION, S.ARCHIVED])
def test_transition_idea_based_on_a_stale_status_is_refused(idea_of, lab_lead, target):
    # given: the lab lead loaded the idea while it was submitted ...
    idea = idea_of(S.SUBMITTED)
    # ... and another lab lead accepted it meanwhile
    Idea.objects.filter(pk=idea.pk).update(status=S.ACCEPTED)
    # when
    with pytest.raises(ValidationError) as error:
        move(lab_lead, idea, target, note="Nej tack.")
    # then
    assert error.value.code == "stale"
    assert Idea.objects.get(pk=idea.pk).status == S.ACCEPTED
    assert not IdeaEvent.objects.filter(idea=idea).exists()
    assert not OutboxEmail.objects.exists()


def test_transition_idea_stale_answer_of_the_department_is_refused(idea_of, department_staff):
    idea = idea_of(S.NEEDS_INFORMATION)
    Idea.objects.filter(pk=idea.pk).update(status=S.DECLINED)  # the lab gave up meanwhile
    with pytest.raises(ValidationError) as error:
        move(department_staff, idea, S.SUBMITTED)
    assert error.value.code == "stale"
    assert Idea.objects.get(pk=idea.pk).status == S.DECLINED


@pytest.mark.parametrize("now", [S.SUBMITTED, S.NEEDS_INFORMATION, S.ARCHIVED])
def test_transition_idea_stale_submit_of_a_draft_is_refused(idea_of, department_staff, now):
    # given: the author still has the draft open in one tab, but in another tab it was
    # submitted (and perhaps the lab already asked a question), or archived
    stale = idea_of(S.DRAFT)
    Idea.objects.filter(pk=stale.pk).update(
        status=now, submitted_at=None if now == S.ARCHIVED else timezone.now()
    )
    # when: "Submit" is clicked in the old tab
    with pytest.raises(ValidationError) as error:
        move(department_staff, stale, S.SUBMITTED)
    # then: it is not taken as the answer to the lab's question, or as a new submission
    assert error.value.code == "stale"
    assert Idea.objects.get(pk=stale.pk).status == now
    assert not IdeaEvent.objects.exists()


# The table's helpers ---------------------------------------------------------------------
def test_available_transitions_follow_the_party(idea_of, lab_lead, department_staff, trainee):
    submitted = idea_of(S.SUBMITTED)
    draft = idea_of(S.DRAFT)

    def targets(user, idea):
        return [t.target for t in workflow.available_transitions(user, idea)]

    assert targets(lab_lead, submitted) == [
        S.NEEDS_INFORMATION,
        S.ACCEPTED,
        S.DECLINED,
        S.ARCHIVED,
    ]
    assert targets(department_staff, submitted) == []
    assert targets(department_staff, draft) == [S.SUBMITTED, S.ARCHIVED]
    assert targets(lab_lead, draft) == []
    assert targets(trainee, submitted) == []
    # a delivered prototype is evaluated on its form, not by a button
    assert targets(department_staff, idea_of(S.DELIVERED)) == []


def test_transitions_table_is_the_documented_state_machine():
    # Pinned explicitly: the parametrized test above follows the table, so a row that
    # disappears or appears must show up here.
    lab, department = access.LAB, access.DEPARTMENT
    archivable = [S.SUBMITTED, S.NEEDS_INFORMATION, S.ACCEPTED, S.DECLINED, S.PLANNED]
    archivable += [S.IN_PROGRESS, S.DELIVERED, S.EVALUATED]
    expected = {
        (S.DRAFT, S.SUBMITTED, department),
        (S.SUBMITTED, S.NEEDS_INFORMATION, lab),
        (S.NEEDS_INFORMATION, S.SUBMITTED, department),
        (S.NEEDS_INFORMATION, S.SUBMITTED, lab),
        (S.SUBMITTED, S.ACCEPTED, lab),
        (S.SUBMITTED, S.DECLINED, lab),
        (S.ACCEPTED, S.PLANNED, lab),
        (S.PLANNED, S.IN_PROGRESS, lab),
        (S.IN_PROGRESS, S.DELIVERED, lab),
        (S.PLANNED, S.ACCEPTED, lab),
        (S.DRAFT, S.ARCHIVED, department),
        (S.DELIVERED, S.EVALUATED, department),
        *((source, S.ARCHIVED, lab) for source in archivable),
    }
    assert {(t.source, t.target, t.by) for t in workflow.TRANSITIONS} == expected
    assert {(t.source, t.target) for t in workflow.TRANSITIONS if t.note_required} == {
        (S.SUBMITTED, S.NEEDS_INFORMATION),
        (S.SUBMITTED, S.DECLINED),
        (S.PLANNED, S.ACCEPTED),
    }
    # no buttons: recording an evaluation makes the evaluation, the planning board
    # (`cohorts.services.planning`) the moves of a plan
    assert {(t.source, t.target, t.by) for t in workflow.TRANSITIONS if not t.offered} == {
        (S.DELIVERED, S.EVALUATED, department),
        (S.ACCEPTED, S.PLANNED, lab),
        (S.PLANNED, S.IN_PROGRESS, lab),
        (S.IN_PROGRESS, S.DELIVERED, lab),
        (S.PLANNED, S.ACCEPTED, lab),
    }


def test_transitions_table_declares_timestamps_requirements_and_warnings():
    rows = {(t.source, t.target, t.by): t for t in workflow.TRANSITIONS}
    lab, department = access.LAB, access.DEPARTMENT
    stamped = {key: row.stamps for key, row in rows.items() if row.stamps}
    assert stamped == {
        (S.DRAFT, S.SUBMITTED, department): ("submitted_at",),
        (S.SUBMITTED, S.NEEDS_INFORMATION, lab): ("triaged_at",),
        (S.SUBMITTED, S.ACCEPTED, lab): ("triaged_at", "decided_at"),
        (S.SUBMITTED, S.DECLINED, lab): ("triaged_at", "decided_at"),
        (S.SUBMITTED, S.ARCHIVED, lab): ("triaged_at",),
        (S.IN_PROGRESS, S.DELIVERED, lab): ("delivered_at",),
    }
    assert {key for key, row in rows.items() if row.required_fields} == {
        (S.DRAFT, S.SUBMITTED, department)
    }
    assert rows[S.DRAFT, S.SUBMITTED, department].required_fields == workflow.REQUIRED_TO_SUBMIT
    assert {key: row.note_field for key, row in rows.items() if row.note_field} == {
        (S.SUBMITTED, S.DECLINED, lab): "decline_reason"
    }
    assert {row.target for row in rows.values() if row.is_destructive} == {
        S.DECLINED,
        S.ARCHIVED,
    }
    assert all(row.note_missing for row in rows.values() if row.note_required)


def test_transitions_never_lead_to_draft_or_from_archived():
    assert all(t.target != S.DRAFT for t in workflow.TRANSITIONS)
    assert all(t.source != S.ARCHIVED for t in workflow.TRANSITIONS)
    assert len({(t.source, t.target, t.by) for t in workflow.TRANSITIONS}) == len(
        workflow.TRANSITIONS
    )
