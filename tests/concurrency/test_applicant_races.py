"""Two lab leads deciding about applicants at the same moment, each on a connection of
its own: an applicant is decided once, an address never holds two working invitations,
and one address applies once per cohort."""

import pytest

from cohorts.models import Applicant, ApplicantEvent, ApplicantStatus, CohortStatus
from cohorts.services.recruitment import move_applicant, submit_application
from labportal.accounts.models import Invitation
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import ApplicantFactory, CohortFactory, application_answers
from tests.concurrency.race import code_of, in_rounds, race, winner_and_loser

pytestmark = pytest.mark.django_db(transaction=True)
A = ApplicantStatus


def two_leads():
    return UserFactory(role="lab_lead"), UserFactory(role="lab_lead")


def page(applicant):
    """The applicant as a lead's page loaded it, before either acted."""
    return Applicant.objects.get(pk=applicant.pk)


def decisions(applicant):
    return list(
        ApplicantEvent.objects.filter(applicant=applicant)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )


@in_rounds
def test_two_leads_accepting_the_same_applicant_at_once_invite_them_once(mode):
    applicant = ApplicantFactory(status=A.OFFERED)
    ada, bert = two_leads()
    first, second = page(applicant), page(applicant)

    actors = race(
        mode,
        lambda: move_applicant(actor=ada, applicant=first, target=A.ACCEPTED, expected_version=1),
        lambda: move_applicant(actor=bert, applicant=second, target=A.ACCEPTED, expected_version=1),
    )

    _winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    applicant.refresh_from_db()
    assert (applicant.status, applicant.version) == (A.ACCEPTED, 2)
    assert list(Invitation.objects.filter(email=applicant.email)) == [applicant.invitation]
    assert decisions(applicant) == [(A.OFFERED, A.ACCEPTED)]


@in_rounds
def test_accepting_and_declining_the_same_applicant_at_once_decides_once(mode):
    applicant = ApplicantFactory(status=A.OFFERED)
    ada, bert = two_leads()
    accepting, declining = page(applicant), page(applicant)

    actors = race(
        mode,
        lambda: move_applicant(
            actor=ada, applicant=accepting, target=A.ACCEPTED, expected_version=1
        ),
        lambda: move_applicant(
            actor=bert,
            applicant=declining,
            target=A.DECLINED,
            note="Platserna räckte inte.",
            expected_version=1,
        ),
    )

    winner, loser = winner_and_loser(actors)
    assert code_of(loser.error) == "conflict"
    applicant.refresh_from_db()
    assert applicant.status == winner.result.status
    assert decisions(applicant) == [(A.OFFERED, applicant.status)]
    invited = Invitation.objects.filter(email=applicant.email).count()
    assert invited == (1 if applicant.status == A.ACCEPTED else 0)


@in_rounds
def test_accepting_one_address_for_two_cohorts_at_once_leaves_one_working_invitation(mode):
    spring = ApplicantFactory(status=A.OFFERED)
    autumn = ApplicantFactory(status=A.OFFERED, email=spring.email)
    email = spring.email
    ada, bert = two_leads()

    actors = race(
        mode,
        lambda: move_applicant(
            actor=ada, applicant=page(spring), target=A.ACCEPTED, expected_version=1
        ),
        lambda: move_applicant(
            actor=bert, applicant=page(autumn), target=A.ACCEPTED, expected_version=1
        ),
    )

    # Both are accepted; the later invitation supersedes the earlier one, as when
    # they are accepted one after the other.
    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    assert Invitation.objects.filter(email=email).count() == 2
    assert Invitation.objects.filter(email=email).pending().count() == 1


@in_rounds
def test_the_same_address_applying_twice_at_once_is_kept_once(mode):
    cohort = CohortFactory(status=CohortStatus.RECRUITING)
    answers = application_answers()

    def apply():
        return submit_application(
            cohort=cohort, answers=answers, skills={}, consent_text="Jag samtycker."
        )

    actors = race(mode, apply, apply)

    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    assert sorted(actor.result is None for actor in actors) == [False, True]
    assert Applicant.objects.filter(cohort=cohort, email=answers.email).count() == 1


@in_rounds
def test_two_admins_inviting_one_new_address_at_once_leave_one_working_invitation(mode):
    from labportal.accounts.services import invite_user

    first, second = UserFactory(role="admin"), UserFactory(role="admin")
    email = f"ny-{UserFactory.build().email}"

    actors = race(
        mode,
        lambda: invite_user(actor=first, email=email, role="lab_lead"),
        lambda: invite_user(actor=second, email=email, role="lab_lead"),
    )

    # Both succeed; the later supersedes the earlier, as one after the other.
    assert all(actor.succeeded for actor in actors), [a.error for a in actors]
    assert Invitation.objects.filter(email=email).count() == 2
    assert Invitation.objects.filter(email=email).pending().count() == 1
