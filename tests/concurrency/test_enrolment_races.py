"""Two lab leads acting on the same enrolment or the same trainee's enrolments at the
same moment, each on a connection of its own: a trainee is never in two programmes at
once, a cohort never takes more than its places, an early leave and an outcome are
recorded once, and no rotation is left outside its enrolment."""

import datetime
import itertools

import pytest
from django.utils import timezone

from cohorts.models import Enrolment, RotationPeriod
from cohorts.services.cohort_enrolments import (
    add_rotation,
    enrol_trainee,
    record_early_leave,
    update_enrolment,
)
from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.concurrency.race import code_of, in_rounds, race, winner_and_loser
from trainees.models import Outcome, OutcomeCategory
from trainees.services.outcomes import record_outcome

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)
JOB_SEEKING = {"category": OutcomeCategory.JOB_SEEKING}
STUDIES = {"category": OutcomeCategory.STUDIES}


def two_leads():
    return UserFactory(role="lab_lead"), UserFactory(role="lab_lead")


def page(enrolment):
    """The enrolment as a lead's page loaded it, before either acted."""
    return Enrolment.objects.get(pk=enrolment.pk)


def overlapping_enrolments(trainee):
    periods = sorted(Enrolment.objects.filter(trainee=trainee).values_list("starts_on", "ends_on"))
    return [(a, b) for a, b in itertools.pairwise(periods) if b[0] <= a[1]]


def audits(action, obj):
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).count()


# Enrolling ----------------------------------------------------------------------------------
@in_rounds
def test_enrolling_a_trainee_in_two_cohorts_at_once_enrols_them_once(mode):
    spring, also_spring = CohortFactory(), CohortFactory()
    trainee = UserFactory(role="trainee")
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: enrol_trainee(actor=ada, cohort=spring, trainee=trainee),
        lambda: enrol_trainee(actor=bert, cohort=also_spring, trainee=trainee),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "overlap"
    assert "is already enrolled in" in loser.error.messages[0]
    assert list(Enrolment.objects.filter(trainee=trainee)) == [winner.result]


@in_rounds
def test_enrolling_a_trainee_in_the_same_cohort_twice_at_once_enrols_them_once(mode):
    cohort, trainee = CohortFactory(), UserFactory(role="trainee")
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: enrol_trainee(actor=ada, cohort=cohort, trainee=trainee),
        lambda: enrol_trainee(actor=bert, cohort=cohort, trainee=trainee),
    )

    _winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) in ("duplicate", "overlap")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


@in_rounds
def test_two_leads_taking_the_last_place_at_once_fill_it_once(mode):
    cohort = CohortFactory(capacity=1)
    anna, bo = UserFactory(role="trainee"), UserFactory(role="trainee")
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: enrol_trainee(actor=ada, cohort=cohort, trainee=anna),
        lambda: enrol_trainee(actor=bert, cohort=cohort, trainee=bo),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "full"
    assert list(Enrolment.objects.filter(cohort=cohort)) == [winner.result]


@in_rounds
def test_extending_an_enrolment_while_another_lead_enrols_the_trainee_after_it(mode):
    spring = CohortFactory()
    autumn = CohortFactory(starts_on=spring.ends_on + 20 * DAY, ends_on=spring.ends_on + 200 * DAY)
    enrolment = EnrolmentFactory(cohort=spring)
    trainee = enrolment.trainee
    ada, bert = two_leads()
    editing = page(enrolment)

    actors = race(
        mode,
        lambda: update_enrolment(
            actor=ada,
            enrolment=editing,
            starts_on=editing.starts_on,
            ends_on=spring.ends_on + 60 * DAY,
            supervisors=[],
            expected_version=editing.version,
        ),
        lambda: enrol_trainee(actor=bert, cohort=autumn, trainee=trainee),
    )

    _winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "overlap"
    assert overlapping_enrolments(trainee) == []


# Leaving early ------------------------------------------------------------------------------
@in_rounds
def test_two_leads_recording_the_same_early_leave_at_once_record_it_once(mode):
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()
    first, second = page(enrolment), page(enrolment)
    left_on = enrolment.starts_on + 30 * DAY

    actors = race(
        mode,
        lambda: record_early_leave(
            actor=ada, enrolment=first, left_on=left_on, reason="Fick jobb.", expected_version=1
        ),
        lambda: record_early_leave(
            actor=bert,
            enrolment=second,
            left_on=left_on + DAY,
            reason="Flyttade.",
            expected_version=1,
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.leave_reason, enrolment.version) == (
        winner.result.ends_on,
        winner.result.leave_reason,
        2,
    )
    assert audits("enrolment.left_early", enrolment) == 1


@in_rounds
def test_leaving_early_while_another_lead_changes_the_dates_does_one(mode):
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()
    leaving, editing = page(enrolment), page(enrolment)
    left_on = enrolment.starts_on + 30 * DAY

    actors = race(
        mode,
        lambda: record_early_leave(
            actor=ada,
            enrolment=leaving,
            left_on=left_on,
            reason="Fick jobb.",
            expected_version=1,
        ),
        lambda: update_enrolment(
            actor=bert,
            enrolment=editing,
            starts_on=editing.starts_on,
            ends_on=editing.ends_on + 30 * DAY,
            supervisors=[],
            expected_version=1,
        ),
    )

    leave, _edit = actors
    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    enrolment.refresh_from_db()
    assert enrolment.version == 2
    assert enrolment.left_early == (winner is leave)
    assert enrolment.ends_on == (left_on if winner is leave else winner.result.ends_on)


@in_rounds
def test_leaving_early_while_a_rotation_is_planned_leaves_none_outside_the_enrolment(mode):
    enrolment = EnrolmentFactory()
    partner = OrganisationFactory(kind="partner")
    ada, bert = two_leads()
    leaving, planning = page(enrolment), page(enrolment)
    left_on = enrolment.starts_on + 30 * DAY

    actors = race(
        mode,
        lambda: record_early_leave(
            actor=ada,
            enrolment=leaving,
            left_on=left_on,
            reason="Fick jobb.",
            expected_version=1,
        ),
        lambda: add_rotation(
            actor=bert,
            enrolment=planning,
            organisation=partner,
            starts_on=enrolment.starts_on + 60 * DAY,
            ends_on=enrolment.starts_on + 87 * DAY,
        ),
    )

    leave, rotation = actors
    assert leave.succeeded, leave.error
    # Planned first, the rotation goes with the leave; planned after, it is refused.
    assert rotation.succeeded or code_of(rotation.error) == "outside_enrolment"
    enrolment.refresh_from_db()
    assert (enrolment.left_early, enrolment.ends_on) == (True, left_on)
    assert not RotationPeriod.objects.filter(enrolment=enrolment, ends_on__gt=left_on).exists()


# Outcomes -----------------------------------------------------------------------------------
@in_rounds
def test_two_leads_recording_the_first_outcome_at_once_record_one(mode):
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: record_outcome(actor=ada, enrolment=enrolment, data=JOB_SEEKING),
        lambda: record_outcome(actor=bert, enrolment=enrolment, data=STUDIES),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    outcome = Outcome.objects.get(enrolment=enrolment, months_after=0)
    assert (outcome.pk, outcome.category, outcome.version) == (
        winner.result.pk,
        winner.result.category,
        1,
    )
    assert audits("outcome.recorded", outcome) == 1


@in_rounds
def test_two_leads_correcting_the_outcome_at_once_save_one_correction(mode):
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()
    recorded = record_outcome(actor=ada, enrolment=enrolment, data=JOB_SEEKING)

    actors = race(
        mode,
        lambda: record_outcome(
            actor=ada, enrolment=enrolment, data=STUDIES, expected_version=recorded.version
        ),
        lambda: record_outcome(
            actor=bert,
            enrolment=enrolment,
            data={"category": OutcomeCategory.PROGRAMME},
            expected_version=recorded.version,
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    outcome = Outcome.objects.get(enrolment=enrolment, months_after=0)
    assert (outcome.category, outcome.version) == (winner.result.category, 2)
    assert audits("outcome.corrected", outcome) == 1


@in_rounds
def test_leaving_early_while_an_outcome_is_recorded_keeps_both(mode):
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()
    leaving = page(enrolment)
    left_on = enrolment.starts_on + 30 * DAY

    actors = race(
        mode,
        lambda: record_early_leave(
            actor=ada,
            enrolment=leaving,
            left_on=left_on,
            reason="Fick jobb.",
            expected_version=1,
        ),
        lambda: record_outcome(actor=bert, enrolment=enrolment, data=JOB_SEEKING),
    )

    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    enrolment.refresh_from_db()
    assert (enrolment.left_early, enrolment.ends_on) == (True, left_on)
    assert Outcome.objects.filter(enrolment=enrolment).count() == 1


def test_correcting_an_outcome_does_not_hold_up_the_cohort():
    """The outcome's row alone is locked: another lead enrols in the same cohort (which
    locks the cohort's row) without waiting for the correction."""
    enrolment = EnrolmentFactory()
    ada, bert = two_leads()
    newcomer = UserFactory(role="trainee")
    recorded = record_outcome(actor=ada, enrolment=enrolment, data=JOB_SEEKING)

    correcting, enrolling = race(
        "first_holds",
        lambda: record_outcome(
            actor=ada, enrolment=enrolment, data=STUDIES, expected_version=recorded.version
        ),
        lambda: enrol_trainee(
            actor=bert, cohort=enrolment.cohort, trainee=newcomer, starts_on=timezone.localdate()
        ),
    )

    assert correcting.succeeded and enrolling.succeeded, [correcting.error, enrolling.error]
    assert not enrolling.waited
