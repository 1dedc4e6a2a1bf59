"""Two people acting on the same trainee at the same moment, each on a connection of
its own: a skill is validated once and never loses a validation to a removal, a
milestone moves once, standard milestones and consent are not given twice, and a
follow-up is never answered after consent was withdrawn."""

import pytest
from django.core.exceptions import ValidationError

from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.concurrency.race import code_of, in_rounds, race, winner_and_loser
from tests.trainees.factories import (
    MilestoneFactory,
    MilestoneTypeFactory,
    SkillRecordFactory,
    TraineeProfileFactory,
)
from tests.trainees.test_follow_ups import JOB, sent_follow_up
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpConsent,
    FollowUpStatus,
    Milestone,
    MilestoneStatus,
    MilestoneType,
    Outcome,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    TraineeProfile,
)
from trainees.services.competence import record_token, remove_skill, validate_skill
from trainees.services.follow_ups import LinkError, answer_follow_up, answer_token
from trainees.services.milestones import (
    STANDARD_TYPE_NAMES_EN,
    add_milestone,
    change_milestone_status,
    give_standard_milestones,
)
from trainees.services.outcomes import decide_follow_ups
from trainees.services.profile import update_profile

pytestmark = pytest.mark.django_db(transaction=True)


def two_leads():
    return UserFactory(role="lab_lead"), UserFactory(role="lab_lead")


def page(record):
    """The record as a page loaded it, before anyone acted."""
    return type(record).objects.get(pk=record.pk)


# Competence ---------------------------------------------------------------------------------
@in_rounds
def test_two_leads_validating_a_skill_at_different_levels_validate_it_once(mode):
    record = SkillRecordFactory()
    ada, bert = two_leads()
    first, second = page(record), page(record)

    actors = race(
        mode,
        lambda: validate_skill(
            actor=ada,
            record=first,
            seen=record_token(first),
            level=3,
            method="prototype",
            evidence="Byggde API:t själv.",
        ),
        lambda: validate_skill(
            actor=bert,
            record=second,
            seen=record_token(second),
            level=1,
            method="prototype",
            evidence="Behövde mycket hjälp.",
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    record.refresh_from_db()
    assert (record.validated_level, record.validated_by) == (
        winner.result.validated_level,
        winner.result.validated_by,
    )
    events = SkillEvent.objects.filter(record=record, kind=SkillEventKind.VALIDATED)
    assert list(events.values_list("level", "actor")) == [
        (record.validated_level, record.validated_by_id)
    ]


@in_rounds
def test_removing_a_skill_while_a_lead_validates_it_never_loses_a_validation(mode):
    record = SkillRecordFactory()
    trainee, lead = record.trainee, UserFactory(role="lab_lead")
    removing, validating = page(record), page(record)

    actors = race(
        mode,
        lambda: remove_skill(actor=trainee, record=removing),
        lambda: validate_skill(
            actor=lead,
            record=validating,
            seen=record_token(validating),
            level=2,
            method="prototype",
            evidence="Felanmälan.",
        ),
    )

    removal, validation = actors
    winner, loser = winner_and_loser(actors)
    assert isinstance(loser.error, ValidationError), loser.error
    kept = SkillRecord.objects.filter(pk=record.pk).first()
    if winner is removal:
        assert code_of(validation.error) == "removed"
        assert kept is None
    else:
        assert code_of(removal.error) == "validated"
        assert kept is not None and kept.validated_level == 2


@in_rounds
def test_two_tabs_saving_the_profile_at_once_save_one(mode):
    profile = TraineeProfileFactory()
    trainee = profile.user
    first, second = page(profile), page(profile)

    actors = race(
        mode,
        lambda: update_profile(
            actor=trainee, profile=first, data={"background": "Ekonom."}, expected_version=1
        ),
        lambda: update_profile(
            actor=trainee, profile=second, data={"background": "Lärare."}, expected_version=1
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    profile = TraineeProfile.objects.get(pk=profile.pk)
    assert (profile.background, profile.version) == (winner.result.background, 2)


# Milestones ---------------------------------------------------------------------------------
def standard_types():
    for position, name in enumerate(STANDARD_TYPE_NAMES_EN):
        MilestoneType.objects.get_or_create(
            name_en=name, defaults={"name_sv": f"Delmål {name}", "position": position}
        )


@in_rounds
def test_two_leads_giving_the_standard_milestones_at_once_give_them_once(mode):
    standard_types()
    trainee = UserFactory(role="trainee")
    ada, bert = two_leads()
    start = trainee.date_joined.date()

    actors = race(
        mode,
        lambda: give_standard_milestones(actor=ada, trainee=trainee, start_date=start),
        lambda: give_standard_milestones(actor=bert, trainee=trainee, start_date=start),
    )

    # Giving them is idempotent: the second gives nothing and says so.
    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    assert sorted(len(actor.result) for actor in actors) == [0, len(STANDARD_TYPE_NAMES_EN)]
    assert Milestone.objects.filter(trainee=trainee).count() == len(STANDARD_TYPE_NAMES_EN)
    given = AuditEntry.objects.filter(action="milestone.standard_given", object_id=trainee.pk)
    assert given.count() == 1


@in_rounds
def test_two_leads_adding_the_same_milestone_at_once_add_it_once(mode):
    trainee, kind = UserFactory(role="trainee"), MilestoneTypeFactory()
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: add_milestone(actor=ada, trainee=trainee, milestone_type=kind, due_on=None),
        lambda: add_milestone(actor=bert, trainee=trainee, milestone_type=kind, due_on=None),
    )

    winner, loser = winner_and_loser(actors)
    assert isinstance(loser.error, ValidationError)
    assert "already has the milestone" in loser.error.message_dict["type"][0]
    assert Milestone.objects.get(trainee=trainee, type=kind).pk == winner.result.pk


@in_rounds
def test_the_lab_skipping_a_milestone_the_trainee_marks_done_moves_it_once(mode):
    milestone = MilestoneFactory()
    lead, trainee = UserFactory(role="lab_lead"), milestone.trainee
    skipping, doing = page(milestone), page(milestone)

    actors = race(
        mode,
        lambda: change_milestone_status(
            actor=lead,
            milestone=skipping,
            target=MilestoneStatus.SKIPPED,
            expected_status=MilestoneStatus.PLANNED,
        ),
        lambda: change_milestone_status(
            actor=trainee,
            milestone=doing,
            target=MilestoneStatus.DONE,
            expected_status=MilestoneStatus.PLANNED,
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "stale"
    milestone.refresh_from_db()
    assert milestone.status == winner.result.status
    assert (milestone.done_at is not None) == (milestone.status == MilestoneStatus.DONE)
    moved = AuditEntry.objects.filter(
        action="milestone.status_changed", object_id=str(milestone.pk)
    )
    assert moved.count() == 1


# Consent and follow-ups ---------------------------------------------------------------------
@in_rounds
def test_the_trainee_and_the_lab_taking_the_first_decision_at_once_keep_one_consent(mode):
    trainee, lead = UserFactory(role="trainee"), UserFactory(role="lab_lead")

    actors = race(
        mode,
        lambda: decide_follow_ups(
            actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE
        ),
        lambda: decide_follow_ups(
            actor=lead, trainee=trainee, given=False, channel=ConsentChannel.LAB
        ),
    )

    # Both are the trainee's decisions; the later one stands and both are kept.
    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    consent = FollowUpConsent.objects.get(trainee=trainee)
    events = list(ConsentEvent.objects.filter(trainee=trainee).order_by("pk"))
    assert len(events) == 2
    assert consent.given == events[-1].given


@in_rounds
def test_withdrawing_consent_while_a_follow_up_is_answered_never_keeps_a_late_answer(mode):
    follow_up = sent_follow_up()
    trainee, token = follow_up.trainee, answer_token(follow_up)

    actors = race(
        mode,
        lambda: answer_follow_up(token=token, data=JOB),
        lambda: decide_follow_ups(
            actor=trainee, trainee=trainee, given=False, channel=ConsentChannel.PAGE
        ),
    )

    answer, withdrawal = actors
    assert withdrawal.succeeded, withdrawal.error
    follow_up.refresh_from_db()
    outcome = Outcome.objects.filter(enrolment=follow_up.enrolment_id).first()
    if answer.succeeded:
        assert follow_up.status == FollowUpStatus.ANSWERED
        assert outcome is not None and outcome.category == JOB["category"]
    else:
        assert isinstance(answer.error, LinkError) and answer.error.reason == "closed"
        assert follow_up.status == FollowUpStatus.CANCELLED
        assert outcome is None
    assert not FollowUp.objects.filter(
        trainee=trainee, status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.SENT]
    ).exists()
