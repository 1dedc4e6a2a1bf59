"""Recording placement outcomes and deciding about follow-ups: versions and conflicts,
what an outcome may say, consent and its history, who may, and the audit rows."""

import datetime
import secrets
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)
from trainees.services.outcomes import consent_of, decide_follow_ups, record_outcome

pytestmark = pytest.mark.django_db

S = FollowUpStatus
EMPLOYED = {
    "category": OutcomeCategory.EMPLOYED_IT,
    "employer": "Kommunens IT-avdelning",
    "role": "Utvecklare",
    "region": "Luleå",
    "starts_on": datetime.date(2025, 9, 1),
    "employment_type": "permanent",
    "via_lab_network": False,
    "partner": None,
    "note": "",
}


def follow_up(enrolment, months, status=S.SCHEDULED, **extra):
    return FollowUp.objects.create(
        trainee=enrolment.trainee,
        enrolment=enrolment,
        months_after=months,
        due_on=enrolment.ends_on + datetime.timedelta(days=30 * months),
        status=status,
        nonce=secrets.token_hex(16),
        **extra,
    )


# Recording and correcting --------------------------------------------------------------------
def test_record_outcome_creates_the_end_point_recorded_by_the_lab(lab_lead, enrolment):
    outcome = record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED)

    outcome.refresh_from_db()
    assert outcome.trainee == enrolment.trainee
    assert (outcome.months_after, outcome.version) == (0, 1)
    assert outcome.source == OutcomeSource.LAB
    assert outcome.recorded_by == lab_lead
    assert outcome.employer == "Kommunens IT-avdelning"
    entry = AuditEntry.objects.get(action="outcome.recorded")
    assert (entry.actor, entry.object_id) == (lab_lead, str(outcome.pk))
    assert entry.details == {"months_after": 0}


def test_record_outcome_corrects_with_the_version_it_was_based_on(admin, lab_lead, enrolment):
    first = record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED)

    corrected = record_outcome(
        actor=admin,
        enrolment=enrolment,
        data={**EMPLOYED, "role": "Testare"},
        expected_version=first.version,
    )

    assert corrected.pk == first.pk
    assert Outcome.objects.get().role == "Testare"
    assert (corrected.version, corrected.recorded_by) == (2, admin)
    assert AuditEntry.objects.filter(action="outcome.corrected", actor=admin).count() == 1


def test_record_outcome_refuses_a_stale_version_and_keeps_what_was_saved(lab_lead, enrolment):
    first = record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED)
    record_outcome(
        actor=lab_lead,
        enrolment=enrolment,
        data={**EMPLOYED, "role": "Testare"},
        expected_version=1,
    )

    with pytest.raises(ValidationError) as refused:
        record_outcome(
            actor=lab_lead,
            enrolment=enrolment,
            data={**EMPLOYED, "role": "Arkitekt"},
            expected_version=first.version,
        )

    assert refused.value.code == "conflict"
    saved = Outcome.objects.get()
    assert (saved.role, saved.version) == ("Testare", 2)


def test_record_outcome_refuses_a_new_outcome_where_one_was_recorded_meanwhile(lab_lead, enrolment):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED)

    with pytest.raises(ValidationError) as refused:
        record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED, expected_version=None)

    assert refused.value.code == "conflict"
    assert Outcome.objects.get().version == 1


def test_record_outcome_refuses_a_version_of_an_outcome_that_is_not_there(lab_lead, enrolment):
    with pytest.raises(ValidationError) as refused:
        record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED, expected_version=3)

    assert refused.value.code == "conflict"
    assert not Outcome.objects.exists()


def test_record_outcome_answers_a_simultaneous_first_recording_as_a_conflict(lab_lead, enrolment):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=EMPLOYED)
    # As if the other request's row was not there yet when this one looked for it.
    with (
        mock.patch.object(
            Outcome.objects, "select_for_update", return_value=Outcome.objects.none()
        ),
        pytest.raises(ValidationError) as refused,
    ):
        record_outcome(actor=lab_lead, enrolment=enrolment, data={**EMPLOYED, "role": "Testare"})

    assert refused.value.code == "conflict"
    assert Outcome.objects.get().role == "Utvecklare"  # and the transaction still works


def test_record_outcome_refuses_work_without_an_employer(lab_lead, enrolment):
    with pytest.raises(ValidationError) as refused:
        record_outcome(actor=lab_lead, enrolment=enrolment, data={**EMPLOYED, "employer": "  "})

    assert set(refused.value.error_dict) == {"employer"}
    assert not Outcome.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="outcome.").exists()


def test_record_outcome_refuses_an_unknown_category(lab_lead, enrolment):
    with pytest.raises(ValidationError) as refused:
        record_outcome(actor=lab_lead, enrolment=enrolment, data={**EMPLOYED, "category": "x"})

    assert set(refused.value.error_dict) == {"category"}


def test_record_outcome_keeps_no_employer_details_for_job_seeking(lab_lead, enrolment):
    partner = OrganisationFactory(kind="partner")

    outcome = record_outcome(
        actor=lab_lead,
        enrolment=enrolment,
        data={**EMPLOYED, "category": OutcomeCategory.JOB_SEEKING, "partner": partner},
    )

    outcome.refresh_from_db()
    assert outcome.category == OutcomeCategory.JOB_SEEKING
    assert (outcome.employer, outcome.role, outcome.employment_type) == ("", "", "")
    assert (outcome.starts_on, outcome.partner) == (None, None)
    assert outcome.region == "Luleå"  # where they look for work is still worth knowing


def test_record_outcome_with_a_partner_counts_as_through_the_lab(lab_lead, enrolment):
    partner = OrganisationFactory(kind="partner")

    outcome = record_outcome(
        actor=lab_lead, enrolment=enrolment, data={**EMPLOYED, "partner": partner}
    )

    assert outcome.partner == partner
    assert outcome.via_lab_network is True


def test_record_outcome_refuses_a_partner_that_is_not_a_partner(lab_lead, enrolment):
    municipality = OrganisationFactory(kind="municipality")

    with pytest.raises(ValidationError) as refused:
        record_outcome(
            actor=lab_lead, enrolment=enrolment, data={**EMPLOYED, "partner": municipality}
        )

    assert set(refused.value.error_dict) == {"partner"}


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff", "outsider"])
def test_record_outcome_is_the_labs_alone(request, enrolment, persona):
    with pytest.raises(PermissionDenied):
        record_outcome(actor=request.getfixturevalue(persona), enrolment=enrolment, data=EMPLOYED)

    assert not Outcome.objects.exists()


# Consent -----------------------------------------------------------------------------------
def test_consent_is_unknown_until_the_trainee_decides(trainee):
    assert consent_of(trainee) is None


def test_trainee_gives_consent_on_their_page(trainee):
    decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)

    assert consent_of(trainee) is True
    event = ConsentEvent.objects.get()
    assert (event.given, event.channel, event.actor) == (True, ConsentChannel.PAGE, trainee)
    entry = AuditEntry.objects.get(action="follow_up.consent_given")
    assert entry.actor == trainee
    assert entry.details == {"channel": "page", "cancelled": 0}


def test_withdrawing_cancels_open_follow_ups_and_keeps_every_decision(lab_lead, enrolment):
    trainee = enrolment.trainee
    decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)
    scheduled = follow_up(enrolment, 3)
    sent = follow_up(enrolment, 6, status=S.SENT, emails_sent=1)
    answered = follow_up(enrolment, 12, status=S.ANSWERED)

    decide_follow_ups(actor=lab_lead, trainee=trainee, given=False, channel=ConsentChannel.LAB)

    assert consent_of(trainee) is False
    for row, status in ((scheduled, S.CANCELLED), (sent, S.CANCELLED), (answered, S.ANSWERED)):
        row.refresh_from_db()
        assert row.status == status
    assert list(ConsentEvent.objects.values_list("given", "channel", "actor")) == [
        (True, "page", trainee.pk),
        (False, "lab", lab_lead.pk),
    ]
    entry = AuditEntry.objects.get(action="follow_up.consent_refused")
    assert entry.actor == lab_lead
    assert entry.details == {"channel": "lab", "cancelled": 2}


def test_giving_consent_again_after_withdrawing_reopens_nothing(trainee, enrolment):
    decide_follow_ups(actor=trainee, trainee=trainee, given=False, channel=ConsentChannel.PAGE)
    cancelled = follow_up(enrolment, 3, status=S.CANCELLED)

    decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)

    cancelled.refresh_from_db()
    assert cancelled.status == S.CANCELLED
    assert ConsentEvent.objects.count() == 2


def test_the_same_decision_again_adds_no_event(trainee):
    for _ in range(2):
        decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)

    assert ConsentEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="follow_up.consent_given").count() == 1


@pytest.mark.parametrize(
    ("persona", "channel"),
    [
        ("lab_lead", ConsentChannel.PAGE),  # the page is the trainee's own
        ("admin", ConsentChannel.PAGE),
        ("trainee", ConsentChannel.LAB),  # "told the lab" is the lab's record
        ("other_trainee", ConsentChannel.PAGE),
        ("supervisor", ConsentChannel.LAB),
        ("department_staff", ConsentChannel.LAB),
        ("outsider", ConsentChannel.PAGE),
        ("lab_lead", ConsentChannel.EMAIL),  # a link's channel has no actor
    ],
)
def test_who_may_not_decide_for_the_trainee(request, trainee, persona, channel):
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        decide_follow_ups(actor=actor, trainee=trainee, given=True, channel=channel)

    assert consent_of(trainee) is None
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize("persona", ["admin", "lab_lead"])
def test_the_lab_records_what_the_trainee_told_it(request, trainee, persona):
    actor = request.getfixturevalue(persona)

    decide_follow_ups(actor=actor, trainee=trainee, given=True, channel=ConsentChannel.LAB)

    assert consent_of(trainee) is True
    assert ConsentEvent.objects.get().actor == actor
