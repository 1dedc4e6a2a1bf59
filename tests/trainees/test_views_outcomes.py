"""A trainee's outcome history and their consent to follow-ups: who sees the page,
what it shows, the decision by the trainee and by the lab, the profile's link and
prompt, and the page's queries at two data sizes."""

import datetime
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.conftest import client_for, english
from tests.querycount import assert_bounded_queries
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


def history_url(trainee):
    return reverse("trainees:outcomes", args=[trainee.pk])


def consent_url(trainee):
    return reverse("trainees:follow_up_consent", args=[trainee.pk])


@pytest.fixture
def ended(trainee):
    """The `trainee` persona's earlier enrolment, ended 13 months ago."""
    start = timezone.localdate() - datetime.timedelta(days=600)
    cohort = CohortFactory(
        name="Våromgången", starts_on=start, ends_on=start + datetime.timedelta(days=190)
    )
    return EnrolmentFactory(cohort=cohort, trainee=trainee)


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


# Who sees the page -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("trainee", 200),
        ("admin", 200),
        ("lab_lead", 200),
        ("other_trainee", 404),
        ("supervisor", 404),  # reads the trainee's logs, nothing else about them
        ("department_staff", 404),
        ("outsider", 404),
    ],
)
def test_the_history_is_for_the_trainee_and_the_lab(request, trainee, supervisor, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(history_url(trainee))

    assert response.status_code == status


def test_anonymous_is_sent_to_sign_in(client, trainee):
    response = client.get(history_url(trainee))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_trainee_never_sees_another_trainees_history(trainee, other_trainee):
    assert client_for(trainee).get(history_url(other_trainee)).status_code == 404


def test_a_user_who_is_not_a_trainee_has_no_history(lab_lead, admin):
    assert client_for(lab_lead).get(history_url(admin)).status_code == 404


# What it shows -----------------------------------------------------------------------------------
def test_the_history_shows_points_follow_ups_and_consent(lab_lead, trainee, ended):
    partner = OrganisationFactory(kind="partner", name="Partnerbolaget")
    record_outcome(
        actor=lab_lead,
        enrolment=ended,
        data={
            "category": OutcomeCategory.EMPLOYED_IT,
            "employer": "Kommunens IT-avdelning",
            "role": "Utvecklare",
            "starts_on": datetime.date(2025, 9, 1),
            "partner": partner,
        },
    )
    Outcome.objects.create(
        trainee=trainee,
        enrolment=ended,
        months_after=3,
        category=OutcomeCategory.STUDIES,
        source=OutcomeSource.FOLLOW_UP,
    )
    decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)
    follow_up(ended, 3, status=S.ANSWERED, emails_sent=2, answered_at=timezone.now())
    follow_up(ended, 6, status=S.SENT, emails_sent=1, last_sent_at=timezone.now())

    response = english(trainee).get(history_url(trainee))

    html = response.content.decode()
    assert "My outcomes and follow-ups" in html
    assert "Outcomes after Våromgången" in html and "Follow-ups after Våromgången" in html
    for text in (
        "At the end",
        "Employed in the IT sector",
        "Kommunens IT-avdelning",
        "Utvecklare",
        "Partner organisation: Partnerbolaget",
        "Recorded by the lab",
        "3 months after the end",
        "Studies",
        "Answered a follow-up",
        "12 months after the end",
        "Not recorded yet",
        "Sent, waiting for an answer",
        "Answered",
        "Yes, follow-ups may be sent.",
        "On their page",
    ):
        assert text in html, text
    [history] = response.context["histories"]
    assert [point.months for point in history.points] == [0, 3, 6, 12]
    assert [row.follow_up.months_after for row in history.follow_ups] == [3, 6]


def test_the_history_explains_follow_ups_with_the_configured_months(settings, trainee):
    settings.FOLLOW_UP_MONTHS = (2, 9)

    html = english(trainee).get(history_url(trainee)).content.decode()

    assert "by email 2 and 9 months after the programme ends" in html
    assert "needs no login" in html and "withdrawn at any time" in html
    assert "Not decided yet" in html


def test_the_trainee_decides_on_the_page_and_the_lab_records_what_it_was_told(trainee, lab_lead):
    own = english(trainee).get(history_url(trainee)).content.decode()
    lab = english(lab_lead).get(history_url(trainee)).content.decode()

    assert "Save my decision" in own and "Do you agree to follow-ups?" in own
    assert "Record the decision" in lab and "What the trainee told the lab" in lab


def test_the_history_without_enrolments_says_so(trainee):
    html = english(trainee).get(history_url(trainee)).content.decode()

    assert "No enrolments yet, so no outcomes either." in html


# Deciding ----------------------------------------------------------------------------------------
def test_the_trainee_gives_consent_on_their_page(trainee):
    response = english(trainee).post(consent_url(trainee), {"given": "yes"}, follow=True)

    assert response.redirect_chain == [(history_url(trainee) + "#consent", 302)]
    assert consent_of(trainee) is True
    assert ConsentEvent.objects.get().channel == ConsentChannel.PAGE
    assert "the lab may send you follow-ups" in response.content.decode()


def test_the_trainee_withdraws_and_open_follow_ups_are_cancelled(trainee, ended):
    decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel=ConsentChannel.PAGE)
    waiting = follow_up(ended, 6, status=S.SENT, emails_sent=1)

    response = client_for(trainee).post(consent_url(trainee), {"given": "no"})

    assert response.status_code == 302
    assert consent_of(trainee) is False
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED
    assert ConsentEvent.objects.count() == 2


@pytest.mark.parametrize("persona", ["admin", "lab_lead"])
def test_the_lab_records_what_the_trainee_told_it(request, trainee, persona):
    actor = request.getfixturevalue(persona)

    response = english(actor).post(consent_url(trainee), {"given": "no"}, follow=True)

    assert consent_of(trainee) is False
    event = ConsentEvent.objects.get()
    assert (event.channel, event.actor) == (ConsentChannel.LAB, actor)
    assert "Recorded: Tim Trainee wants no follow-ups." in response.content.decode()


@pytest.mark.parametrize("persona", ["other_trainee", "supervisor", "department_staff", "outsider"])
def test_nobody_else_decides_for_the_trainee(request, trainee, supervisor, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        consent_url(trainee), {"given": "yes"}
    )

    assert response.status_code == 404
    assert consent_of(trainee) is None
    assert not ConsentEvent.objects.exists()


def test_anonymous_is_sent_to_sign_in_to_decide(client, trainee):
    response = client.post(consent_url(trainee), {"given": "yes"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert consent_of(trainee) is None


def test_a_decision_without_yes_or_no_changes_nothing(trainee):
    response = english(trainee).post(consent_url(trainee), {"given": "maybe"}, follow=True)

    assert "Choose yes or no about follow-ups." in response.content.decode()
    assert consent_of(trainee) is None


def test_the_decision_is_only_posted(trainee):
    assert client_for(trainee).get(consent_url(trainee)).status_code == 405


# The profile page --------------------------------------------------------------------------------
def test_the_profile_prompts_the_trainee_to_decide_until_they_have(trainee):
    client = english(trainee)
    profile = reverse("trainees:profile", args=[trainee.pk])

    before = client.get(profile).content.decode()
    decide_follow_ups(actor=trainee, trainee=trainee, given=False, channel=ConsentChannel.PAGE)
    after = client.get(profile).content.decode()

    assert "Decide about follow-ups" in before
    assert f'href="{history_url(trainee)}"' in before
    assert "Decide about follow-ups" not in after
    assert "Wants no follow-ups." in after


def test_the_profile_tells_the_lab_whether_the_trainee_answered(lab_lead, trainee):
    html = english(lab_lead).get(reverse("trainees:profile", args=[trainee.pk])).content.decode()

    assert "Has not answered the question about follow-ups yet." in html
    assert "Decide about follow-ups" not in html  # the decision is the trainee's
    assert f'href="{history_url(trainee)}"' in html


# Queries -----------------------------------------------------------------------------------------
# Session, user, MFA check, the trainee; enrolments with cohorts, outcomes with partners,
# follow-ups, the current consent and the decisions with their actors. Two spare.
MAX_QUERIES = 11


@pytest.mark.parametrize("persona", ["trainee", "lab_lead"])
def test_the_history_reads_a_bounded_number_of_queries(
    django_assert_max_num_queries, request, lab_lead, trainee, persona
):
    partner = OrganisationFactory(kind="partner")

    def grow_to(size):
        # Earlier enrolments, one after the other (a trainee is in one programme at a
        # time), each with its four points, three follow-ups and two decisions.
        while trainee.enrolments.count() < size:
            index = trainee.enrolments.count()
            start = datetime.date(2000, 1, 1) + datetime.timedelta(days=200 * index)
            cohort = CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(days=150))
            enrolment = EnrolmentFactory(cohort=cohort, trainee=trainee)
            Outcome.objects.bulk_create(
                Outcome(
                    trainee=trainee,
                    enrolment=enrolment,
                    months_after=months,
                    category=OutcomeCategory.EMPLOYED_OTHER,
                    employer="Regionen",
                    partner=partner,
                    source=OutcomeSource.LAB,
                    recorded_by=lab_lead,
                )
                for months in (0, 3, 6, 12)
            )
            for months in (3, 6, 12):
                follow_up(enrolment, months, status=S.ANSWERED, answered_at=timezone.now())
            for given in (True, False):
                decide_follow_ups(
                    actor=lab_lead, trainee=trainee, given=given, channel=ConsentChannel.LAB
                )

    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(request.getfixturevalue(persona)),
        history_url(trainee),
        grow_to,
        MAX_QUERIES,
        sizes=(2, 12),
    )
