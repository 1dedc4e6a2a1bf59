"""An accepted applicant accepts their invitation (the real `accept_invitation`): they
are enrolled in the cohort they applied to on its dates, their answers become their
profile and their skills their own self-assessment (never validated), and the lead
reads what happened in the applicant's history. What cannot be done (an overlapping
enrolment, a full cohort, a retired skill) never costs them their account."""

import datetime
import secrets

import pytest
from django.utils import timezone

from cohorts.models import ApplicantEvent, ApplicantStatus, CohortStatus, Enrolment
from cohorts.services.recruitment import move_applicant
from cohorts.services.recruitment_onboarding import carry_over_applicant
from labportal.accounts.models import Invitation, User, hash_token
from labportal.accounts.services import accept_invitation, invite_user
from labportal.core.models import AuditEntry
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.cohorts.factories import (
    ApplicantFactory,
    ApplicantSkillFactory,
    CohortFactory,
    EnrolmentFactory,
)
from tests.core.factories import SkillFactory
from trainees.models import SkillEvent, SkillEventKind, SkillRecord, TraineeProfile

pytestmark = pytest.mark.django_db

PASSWORD = "ett-långt-lösenord-2025"


@pytest.fixture
def cohort():
    start = timezone.localdate() + datetime.timedelta(days=30)
    return CohortFactory(
        status=CohortStatus.RECRUITING,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=270),
        capacity=4,
    )


@pytest.fixture
def applicant(cohort):
    applicant = ApplicantFactory(
        cohort=cohort,
        status=ApplicantStatus.OFFERED,
        full_name="Amira Haddad",
        background="Systemvetenskap, 180 hp.",
        work_experience="Supporttekniker 2019-2022.",
        languages="Svenska, arabiska",
        wants_to_work_with="Webbutveckling.",
    )
    ApplicantSkillFactory(applicant=applicant, skill=SkillFactory(name_sv="Ä-test"), level=3)
    ApplicantSkillFactory(applicant=applicant, skill=SkillFactory(name_sv="B-test"), level=1)
    return applicant


def accept(applicant, lead):
    """The lead accepts; returns the raw token of the invitation that was sent."""
    move_applicant(
        actor=lead, applicant=applicant, target="accepted", expected_version=applicant.version
    )
    # The emailed token is not stored; give the same invitation a token we know.
    invitation = Invitation.objects.get(email=applicant.email)
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    return token


def test_accepting_the_invitation_enrols_and_carries_the_profile_over(applicant, cohort, lab_lead):
    token = accept(applicant, lab_lead)

    user = accept_invitation(token=token, password=PASSWORD, full_name="Amira Haddad")

    enrolment = Enrolment.objects.get(trainee=user)
    assert (enrolment.cohort, enrolment.starts_on, enrolment.ends_on) == (
        cohort,
        cohort.starts_on,
        cohort.ends_on,
    )
    assert user.role == "trainee"
    assert user.organisation == cohort.organisation
    profile = TraineeProfile.objects.get(user=user)
    assert profile.background == "Systemvetenskap, 180 hp."
    assert profile.work_experience == "Supporttekniker 2019-2022."
    assert profile.languages == "Svenska, arabiska"
    assert profile.wants_to_work_with == "Webbutveckling."
    records = SkillRecord.objects.filter(trainee=user).order_by("skill__name_sv")
    assert [(r.skill.name_sv, r.self_level) for r in records] == [("B-test", 1), ("Ä-test", 3)]
    assert all(r.validated_level is None and r.validated_at is None for r in records)
    kinds = set(SkillEvent.objects.filter(record__trainee=user).values_list("kind", "actor"))
    assert kinds == {(SkillEventKind.SELF_ASSESSED, user.pk)}
    note = ApplicantEvent.objects.filter(applicant=applicant, actor=user).get().note
    assert cohort.name in note
    assert "2" in note  # two skills carried over
    audit = AuditEntry.objects.get(action="applicant.carried_over")
    assert audit.details["enrolment"] == enrolment.pk
    assert audit.details["skills"] == 2
    assert AuditEntry.objects.filter(action="enrolment.created", actor=lab_lead).exists()


def test_an_invitation_not_made_for_an_applicant_does_nothing_more(lab_lead):
    invitation, token = invite_user(actor=lab_lead, email="vanlig@example.se", role="trainee")

    user = accept_invitation(token=token, password=PASSWORD, full_name="Vanlig Trainee")

    assert not Enrolment.objects.filter(trainee=user).exists()
    assert not TraineeProfile.objects.filter(user=user).exists()
    assert carry_over_applicant(invitation=invitation, user=user) is None


def test_an_overlapping_enrolment_is_noted_for_the_lead_and_the_rest_is_done(
    applicant, cohort, lab_lead
):
    # given: a person who is already in a cohort at the same time (an existing account)
    person = UserFactory(role="trainee", email=applicant.email)
    other = EnrolmentFactory(trainee=person, cohort=CohortFactory(starts_on=cohort.starts_on))
    invitation = InvitationFactory(email=person.email, invited_by=lab_lead)
    applicant.status = ApplicantStatus.ACCEPTED
    applicant.invitation = invitation
    applicant.save()

    carry_over_applicant(invitation=invitation, user=person)

    assert list(Enrolment.objects.filter(trainee=person)) == [other]
    note = ApplicantEvent.objects.get(applicant=applicant, actor=person).note
    assert cohort.name in note
    assert other.cohort.name in note
    assert SkillRecord.objects.filter(trainee=person).count() == 2
    assert AuditEntry.objects.get(action="applicant.carried_over").details["enrolment"] is None


def test_a_full_cohort_does_not_stop_the_account(applicant, cohort, lab_lead):
    for _ in range(cohort.capacity):
        EnrolmentFactory(cohort=cohort)
    token = accept(applicant, lab_lead)

    user = accept_invitation(token=token, password=PASSWORD, full_name="Amira Haddad")

    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert not Enrolment.objects.filter(trainee=user).exists()
    assert SkillRecord.objects.filter(trainee=user).count() == 2
    note = ApplicantEvent.objects.get(applicant=applicant, actor=user).note
    assert cohort.name in note


def test_a_skill_retired_since_the_application_is_left_out_and_named(applicant, lab_lead):
    retired = applicant.skills.get(skill__name_sv="B-test").skill
    retired.is_active = False
    retired.save()
    token = accept(applicant, lab_lead)

    user = accept_invitation(token=token, password=PASSWORD, full_name="Amira Haddad")

    assert list(SkillRecord.objects.filter(trainee=user).values_list("skill", flat=True)) == [
        applicant.skills.get(skill__name_sv="Ä-test").skill_id
    ]
    note = ApplicantEvent.objects.get(applicant=applicant, actor=user).note
    assert retired.name_sv in note


def test_carrying_over_twice_changes_nothing(applicant, lab_lead):
    token = accept(applicant, lab_lead)
    user = accept_invitation(token=token, password=PASSWORD, full_name="Amira Haddad")
    invitation = Invitation.objects.get(email=applicant.email)
    TraineeProfile.objects.filter(user=user).update(background="Mina egna ord.")

    carry_over_applicant(invitation=invitation, user=user)

    assert Enrolment.objects.filter(trainee=user).count() == 1
    assert SkillRecord.objects.filter(trainee=user).count() == 2
    assert TraineeProfile.objects.get(user=user).background == "Mina egna ord."
