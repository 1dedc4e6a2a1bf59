"""The demo's finished cohort (`demo.outcomes`): its former trainees' consent,
outcomes recorded by the lab at the end, and follow-ups run at the days they would
have run — answered, stopped, unanswered — all through the services, once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cohorts.models import Cohort, CohortStatus, Enrolment
from demo import outcomes as demo_outcomes
from labportal.core.models import OutboxEmail
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpConsent,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)

pytestmark = pytest.mark.django_db
F = FollowUpStatus


@pytest.fixture
def demo(settings):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    call_command("load_demo")
    return Cohort.objects.get(name=demo_outcomes.FINISHED)


def status_of(email: str, months: int) -> str | None:
    follow_up = FollowUp.objects.filter(trainee__email=email, months_after=months).first()
    return None if follow_up is None else follow_up.status


def test_demo_finished_cohort_has_an_outcome_for_each_former_trainee(demo):
    today = timezone.localdate()
    assert demo.status == CohortStatus.FINISHED
    assert demo.ends_on < today
    former = [f.email for f in demo_outcomes.FORMER]
    enrolled = set(Enrolment.objects.filter(cohort=demo).values_list("trainee__email", flat=True))
    assert enrolled == set(former)
    at_end = Outcome.objects.filter(enrolment__cohort=demo, months_after=0)
    assert at_end.count() == len(former)
    assert set(at_end.values_list("source", flat=True)) == {OutcomeSource.LAB}
    # a job through the partner company counts as through the lab's network
    through_partner = at_end.get(trainee__email="trainee9@demo.labportal.se")
    assert through_partner.partner is not None and through_partner.via_lab_network
    assert at_end.filter(category=OutcomeCategory.JOB_SEEKING).exists()


def test_demo_follow_ups_were_answered_stopped_and_left_unanswered(demo):
    # consent: asked at enrolment on their page; one said no, one stopped from an email
    assert not FollowUpConsent.objects.get(trainee__email="trainee12@demo.labportal.se").given
    assert not FollowUpConsent.objects.get(trainee__email="trainee13@demo.labportal.se").given
    assert ConsentEvent.objects.filter(
        trainee__email="trainee13@demo.labportal.se", channel=ConsentChannel.EMAIL
    ).exists()
    # nobody without consent was asked
    assert status_of("trainee12@demo.labportal.se", 3) is None
    assert status_of("trainee13@demo.labportal.se", 3) == F.CANCELLED
    assert status_of("trainee13@demo.labportal.se", 6) is None
    # three months: answered, or "unknown" after two reminders
    assert status_of("trainee10@demo.labportal.se", 3) == F.ANSWERED
    later = Outcome.objects.get(trainee__email="trainee10@demo.labportal.se", months_after=3)
    assert (later.category, later.source) == (OutcomeCategory.EMPLOYED_IT, OutcomeSource.FOLLOW_UP)
    silent = FollowUp.objects.get(trainee__email="trainee11@demo.labportal.se", months_after=3)
    assert (silent.status, silent.emails_sent) == (F.UNANSWERED, 3)
    unknown = Outcome.objects.get(trainee__email="trainee11@demo.labportal.se", months_after=3)
    assert (unknown.category, unknown.source) == (OutcomeCategory.UNKNOWN, OutcomeSource.NO_ANSWER)
    # six months: out now, one answered, the rest waiting after their first reminder
    assert status_of("trainee9@demo.labportal.se", 6) == F.ANSWERED
    assert status_of("trainee14@demo.labportal.se", 6) == F.SENT
    # every email through the outbox, once each; and nothing happened in the future
    follow_up_emails = OutboxEmail.objects.filter(key__startswith="follow-up:")
    assert follow_up_emails.count() == sum(f.emails_sent for f in FollowUp.objects.all())
    assert not FollowUp.objects.filter(last_sent_at__gt=timezone.now()).exists()
    assert not FollowUp.objects.filter(answered_at__gt=timezone.now()).exists()


def test_load_demo_a_second_time_adds_no_outcomes_follow_ups_or_roles(demo):
    from cohorts.models import OpenRole

    def counts():
        return (
            Outcome.objects.count(),
            FollowUp.objects.count(),
            ConsentEvent.objects.count(),
            OpenRole.objects.count(),
        )

    before = counts()

    call_command("load_demo")

    assert counts() == before


def test_demo_partner_has_a_contact_and_open_roles_needing_validated_skills(demo):
    from cohorts.models import EmployerContact, OpenRole
    from labportal.core.models import AuditEntry

    contact = EmployerContact.objects.get(organisation__name="Partnerbolaget AB")
    roles = OpenRole.objects.filter(organisation=contact.organisation)
    assert roles.count() == 2
    assert all(role.skills.exists() for role in roles)
    assert AuditEntry.objects.filter(action="open_role.created").count() == 2
