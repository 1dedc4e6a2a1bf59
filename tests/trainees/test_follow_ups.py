"""Follow-ups after the programme, the service: who gets one and when, the emails and
reminders (each once, by outbox key), "unknown" after silence, stopping by consent,
and answers through the signed single-use link, which refuses a link that is
tampered with, expired, used or closed and then changes nothing."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from labportal.core.models import AuditEntry, OutboxEmail
from labportal.core.outbox import deliver_outbox_email, secret_placeholder
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from trainees import tasks
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)
from trainees.services.follow_ups import (
    ANSWER_SALT,
    LinkError,
    answer_follow_up,
    answer_token,
    follow_up_of,
    run_follow_ups,
    schedule_follow_ups,
    trainee_of_withdraw_link,
    withdraw_by_link,
    withdraw_token,
)
from trainees.services.outcomes import add_months, decide_follow_ups, record_outcome

S = FollowUpStatus
DAY = datetime.timedelta(days=1)
HOSTILE = "<script>alert(1)</script>"
JOB = {
    "category": OutcomeCategory.EMPLOYED_IT,
    "employer": "Växjö kommun",
    "role": "Webbutvecklare",
    "region": "Kronoberg",
    "starts_on": datetime.date(2025, 3, 1),
    "employment_type": "permanent",
    "via_lab_network": True,
}


# Helpers (the view and browser tests use them too) ---------------------------------------
def former_trainee(
    *,
    ended_on: datetime.date | None = None,
    months_ago: int = 3,
    consent: bool | None = True,
    **user: object,
):
    """The enrolment of a trainee whose programme ended `months_ago` months ago (or on
    `ended_on`), with their decision about follow-ups taken on their page (None: never
    asked)."""
    ends_on = ended_on or add_months(timezone.localdate(), -months_ago)
    trainee = UserFactory(role="trainee", **user)
    cohort = CohortFactory(starts_on=ends_on - datetime.timedelta(weeks=26), ends_on=ends_on)
    enrolment = EnrolmentFactory(cohort=cohort, trainee=trainee)
    if consent is not None:
        decide_follow_ups(
            actor=trainee, trainee=trainee, given=consent, channel=ConsentChannel.PAGE
        )
    return enrolment


def sent_follow_up(**kwargs: object) -> FollowUp:
    """A follow-up of a new former trainee, its first email sent now."""
    enrolment = former_trainee(**kwargs)
    run_follow_ups()
    return FollowUp.objects.get(enrolment=enrolment)


def old_token(follow_up: FollowUp, days: float) -> str:
    """The follow-up's link as an email made `days` days ago carried it."""
    signed_at = time.time() - days * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=signed_at):
        return answer_token(follow_up)


def link_token(url: str) -> str:
    """The token of a follow-up link (its last path segment)."""
    return url.rstrip("/").rsplit("/", 1)[1]


def keys() -> list[str]:
    return sorted(OutboxEmail.objects.values_list("key", flat=True))


def state(follow_up: FollowUp) -> tuple:
    """What a refused link must leave as it was."""
    follow_up.refresh_from_db()
    outcomes = list(Outcome.objects.filter(enrolment=follow_up.enrolment_id).values())
    return (follow_up.status, follow_up.answer, follow_up.answered_at, outcomes)


# Scheduling -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_schedule_follow_ups_only_for_consenting_active_trainees_whose_enrolment_ended():
    today = timezone.localdate()
    due = former_trainee()
    former_trainee(consent=False)
    former_trainee(consent=None)  # never asked
    inactive = former_trainee()
    inactive.trainee.is_active = False
    inactive.trainee.save(update_fields=["is_active"])
    running = CohortFactory(starts_on=today - 30 * DAY, ends_on=today + 150 * DAY)
    still_enrolled = EnrolmentFactory(cohort=running)
    decide_follow_ups(
        actor=still_enrolled.trainee,
        trainee=still_enrolled.trainee,
        given=True,
        channel=ConsentChannel.PAGE,
    )

    made = schedule_follow_ups(today)

    assert made == 1
    follow_up = FollowUp.objects.get()
    assert (follow_up.enrolment, follow_up.trainee, follow_up.months_after) == (
        due,
        due.trainee,
        3,
    )
    assert follow_up.due_on == add_months(due.ends_on, 3)
    assert follow_up.status == S.SCHEDULED
    assert len(follow_up.nonce) == 32


@pytest.mark.django_db
def test_schedule_follow_ups_only_within_the_grace_period_and_never_twice(settings):
    today = timezone.localdate()
    grace = settings.FOLLOW_UP_GRACE_DAYS
    # six months ago: the 3-month point is long past (no pile of old follow-ups)
    six = former_trainee(months_ago=6)
    # the 3-month point fell due just inside the grace period, and just outside it
    inside = former_trainee(ended_on=add_months(today - (grace - 1) * DAY, -3))
    outside = former_trainee(ended_on=add_months(today - (grace + 1) * DAY, -3))

    assert schedule_follow_ups(today) == 2
    assert schedule_follow_ups(today) == 0
    assert run_follow_ups().scheduled == 0

    made = set(FollowUp.objects.values_list("enrolment", "months_after"))
    assert made == {(six.pk, 6), (inside.pk, 3)}
    assert not FollowUp.objects.filter(enrolment=outside).exists()


# Sending, reminding, closing -------------------------------------------------------------
@pytest.mark.django_db
def test_follow_up_sends_first_email_two_reminders_then_records_unknown(settings):
    enrolment = former_trainee(language="en")
    start = timezone.now()
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)

    report = run_follow_ups(start)
    follow_up = FollowUp.objects.get(enrolment=enrolment)
    assert (report.scheduled, report.sent) == (1, 1)
    assert keys() == [f"follow-up:{follow_up.pk}:1"]
    first = OutboxEmail.objects.get()
    assert first.to == enrolment.trainee.email
    with translation.override("en"):
        assert gettext("Where are you now? Two minutes for the lab's follow-up") in first.subject

    # not yet: a day before the reminder is due
    run_follow_ups(start + wait - DAY)
    assert len(keys()) == 1

    assert run_follow_ups(start + wait).reminded == 1
    assert run_follow_ups(start + 2 * wait).reminded == 1
    assert keys() == [f"follow-up:{follow_up.pk}:{n}" for n in (1, 2, 3)]
    reminder = OutboxEmail.objects.get(key=f"follow-up:{follow_up.pk}:3")
    with translation.override("en"):
        assert gettext("Reminder: two minutes for the lab's follow-up") in reminder.subject
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.emails_sent) == (S.SENT, 3)

    assert run_follow_ups(start + 3 * wait).unanswered == 1
    follow_up.refresh_from_db()
    assert follow_up.status == S.UNANSWERED
    outcome = Outcome.objects.get(enrolment=enrolment, months_after=3)
    assert (outcome.category, outcome.source) == (OutcomeCategory.UNKNOWN, OutcomeSource.NO_ANSWER)

    # and nothing more, ever
    run_follow_ups(start + 4 * wait)
    run_follow_ups(start + 10 * wait)
    assert len(keys()) == 3
    assert Outcome.objects.filter(enrolment=enrolment).count() == 1


@pytest.mark.django_db
def test_unanswered_follow_up_keeps_the_outcome_the_lab_recorded(settings, lab_lead):
    enrolment = former_trainee()
    start = timezone.now()
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    run_follow_ups(start)
    lab = record_outcome(actor=lab_lead, enrolment=enrolment, data=JOB, months_after=3)

    for week in (1, 2, 3):
        run_follow_ups(start + week * wait)

    assert FollowUp.objects.get(enrolment=enrolment).status == S.UNANSWERED
    outcome = Outcome.objects.get(enrolment=enrolment, months_after=3)
    assert (outcome.pk, outcome.category, outcome.source, outcome.version) == (
        lab.pk,
        OutcomeCategory.EMPLOYED_IT,
        OutcomeSource.LAB,
        1,
    )


@pytest.mark.django_db
def test_running_twice_sends_nothing_twice(settings):
    enrolments = [former_trainee(), former_trainee()]
    start = timezone.now()
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)

    run_follow_ups(start)
    second = run_follow_ups(start)
    assert (second.scheduled, second.sent, second.reminded) == (0, 0, 0)
    run_follow_ups(start + wait)
    run_follow_ups(start + wait)

    pks = sorted(FollowUp.objects.values_list("pk", flat=True))
    assert len(pks) == len(enrolments)
    assert keys() == sorted(f"follow-up:{pk}:{n}" for pk in pks for n in (1, 2))
    assert set(FollowUp.objects.values_list("emails_sent", flat=True)) == {2}


@pytest.mark.django_db
def test_email_carries_the_links_only_when_sent_never_in_the_outbox(settings):
    follow_up = sent_follow_up()
    email = OutboxEmail.objects.get()
    answer, stop = email.secret_values["answer_url"], email.secret_values["withdraw_url"]
    answer_prefix = f"{settings.SITE_URL}{reverse('trainees:follow_up_answer', args=['T'])}"
    stop_prefix = f"{settings.SITE_URL}{reverse('trainees:follow_up_withdraw', args=['T'])}"
    # the links kept until sending are this follow-up's and its trainee's
    assert answer.startswith(answer_prefix[:-2]) and stop.startswith(stop_prefix[:-2])
    assert follow_up_of(link_token(answer)) == follow_up
    assert trainee_of_withdraw_link(link_token(stop)) == follow_up.trainee
    # the stored text has placeholders in their place
    assert secret_placeholder("answer_url") in email.body_text
    assert secret_placeholder("withdraw_url") in email.body_text
    assert link_token(answer) not in email.body_text

    deliver_outbox_email(email.pk)

    body = mail.outbox[0].body
    assert answer in body and stop in body
    assert secret_placeholder("answer_url") not in body
    email.refresh_from_db()
    assert email.secret_values == {}
    assert link_token(answer) not in email.body_text


@pytest.mark.django_db
def test_follow_up_of_a_trainee_deactivated_before_it_went_out_is_cancelled_unsent():
    enrolment = former_trainee()
    schedule_follow_ups(timezone.localdate())
    enrolment.trainee.is_active = False
    enrolment.trainee.save(update_fields=["is_active"])

    report = run_follow_ups()

    assert (report.sent, report.cancelled) == (0, 1)
    assert FollowUp.objects.get().status == S.CANCELLED
    assert keys() == []


# Consent -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_withdrawing_consent_cancels_open_follow_ups_and_no_more_email_goes(settings):
    follow_up = sent_follow_up()
    trainee = follow_up.trainee
    start = timezone.now()
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)

    withdraw_by_link(withdraw_token(trainee))
    withdraw_by_link(withdraw_token(trainee))  # a second click changes nothing

    follow_up.refresh_from_db()
    assert follow_up.status == S.CANCELLED
    trainee.follow_up_consent.refresh_from_db()
    assert not trainee.follow_up_consent.given
    events = ConsentEvent.objects.filter(trainee=trainee).order_by("pk")
    assert [(e.given, e.channel, e.actor) for e in events] == [
        (True, ConsentChannel.PAGE, trainee),
        (False, ConsentChannel.EMAIL, None),
    ]
    for week in (1, 2, 3, 4):
        run_follow_ups(start + week * wait)
    assert keys() == [f"follow-up:{follow_up.pk}:1"]
    assert not Outcome.objects.filter(enrolment=follow_up.enrolment_id).exists()
    # the later points are not even scheduled
    run_follow_ups(start + 100 * DAY)
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db
def test_withdraw_link_that_is_tampered_or_names_no_trainee_is_refused(lab_lead):
    trainee = former_trainee().trainee
    token = withdraw_token(trainee)

    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "nonsense",
        withdraw_token(lab_lead),
    ):
        with pytest.raises(LinkError) as refused:
            withdraw_by_link(bad)
        assert refused.value.reason == "invalid"

    assert trainee.follow_up_consent.given
    assert ConsentEvent.objects.filter(trainee=trainee).count() == 1


# Answers ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_answer_is_kept_as_given_and_becomes_the_outcome_at_that_point():
    follow_up = sent_follow_up()
    given = {**JOB, "employer": f"  {HOSTILE}  ", "role": HOSTILE}

    answer_follow_up(token=answer_token(follow_up), data=given)

    follow_up.refresh_from_db()
    assert follow_up.status == S.ANSWERED
    assert follow_up.answered_at is not None
    assert follow_up.answer == {
        "category": "employed_it",
        "employer": HOSTILE,
        "role": HOSTILE,
        "region": "Kronoberg",
        "starts_on": "2025-03-01",
        "employment_type": "permanent",
        "via_lab_network": True,
        "note": "",
    }
    outcome = Outcome.objects.get(enrolment=follow_up.enrolment_id, months_after=3)
    assert (outcome.category, outcome.employer, outcome.role, outcome.source) == (
        OutcomeCategory.EMPLOYED_IT,
        HOSTILE,
        HOSTILE,
        OutcomeSource.FOLLOW_UP,
    )
    assert (outcome.starts_on, outcome.via_lab_network, outcome.recorded_by) == (
        datetime.date(2025, 3, 1),
        True,
        None,
    )
    assert AuditEntry.objects.filter(
        action="follow_up.answered", object_id=str(follow_up.pk)
    ).exists()


@pytest.mark.django_db
def test_answer_replaces_what_stood_at_that_point(lab_lead):
    follow_up = sent_follow_up()
    record_outcome(
        actor=lab_lead,
        enrolment=follow_up.enrolment,
        data={"category": OutcomeCategory.JOB_SEEKING},
        months_after=3,
    )

    answer_follow_up(token=answer_token(follow_up), data=JOB)

    outcome = Outcome.objects.get(enrolment=follow_up.enrolment_id, months_after=3)
    assert (outcome.category, outcome.source, outcome.recorded_by, outcome.version) == (
        OutcomeCategory.EMPLOYED_IT,
        OutcomeSource.FOLLOW_UP,
        None,
        2,
    )


@pytest.mark.django_db
def test_answer_in_work_without_employer_is_refused_and_changes_nothing():
    follow_up = sent_follow_up()
    token = answer_token(follow_up)
    before = state(follow_up)

    with pytest.raises(ValidationError) as refused:
        answer_follow_up(token=token, data={**JOB, "employer": "  "})

    assert "employer" in refused.value.error_dict
    assert state(follow_up) == before
    # the link still works
    answer_follow_up(token=token, data=JOB)
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.ANSWERED


@pytest.mark.django_db
def test_answer_not_in_work_keeps_no_employer():
    follow_up = sent_follow_up()

    answer_follow_up(
        token=answer_token(follow_up),
        data={**JOB, "category": OutcomeCategory.STUDIES, "region": "Skåne"},
    )

    outcome = Outcome.objects.get(enrolment=follow_up.enrolment_id, months_after=3)
    assert (outcome.category, outcome.employer, outcome.role, outcome.starts_on) == (
        OutcomeCategory.STUDIES,
        "",
        "",
        None,
    )
    assert outcome.region == "Skåne"


# Links that cannot be used ---------------------------------------------------------------
def refused(token: str) -> LinkError:
    with pytest.raises(LinkError) as error:
        answer_follow_up(token=token, data=JOB)
    return error.value


@pytest.mark.django_db
def test_expired_link_is_refused_and_changes_nothing(settings):
    settings.FOLLOW_UP_LINK_DAYS = 5
    follow_up = sent_follow_up()
    before = state(follow_up)

    error = refused(old_token(follow_up, days=6))

    assert error.reason == "expired"
    assert error.follow_up == follow_up  # so the page can still offer the stop link
    assert state(follow_up) == before
    # a link just inside FOLLOW_UP_LINK_DAYS still works
    assert follow_up_of(old_token(follow_up, days=4)) == follow_up


@pytest.mark.django_db
def test_tampered_link_is_refused_and_changes_nothing():
    follow_up = sent_follow_up()
    other = sent_follow_up()
    token = answer_token(follow_up)
    before = state(follow_up)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    # validly signed, but naming another follow-up with this one's nonce
    forged_nonce = signing.dumps([other.pk, follow_up.nonce], salt=ANSWER_SALT)

    for bad in (
        flipped,
        "nonsense",
        "",
        withdraw_token(follow_up.trainee),  # another kind of link
        signing.dumps([follow_up.pk, follow_up.nonce], salt="another salt"),
        signing.dumps({"pk": follow_up.pk}, salt=ANSWER_SALT),
        signing.dumps([str(follow_up.pk), follow_up.nonce], salt=ANSWER_SALT),
        forged_nonce,
    ):
        error = refused(bad)
        assert (error.reason, error.follow_up) == ("invalid", None), bad

    assert state(follow_up) == before
    assert state(other)[0] == S.SENT


@pytest.mark.django_db
def test_link_of_a_deleted_or_renewed_follow_up_is_invalid():
    follow_up = sent_follow_up()
    token = answer_token(follow_up)

    FollowUp.objects.filter(pk=follow_up.pk).update(nonce="0" * 32)
    assert refused(token).reason == "invalid"
    FollowUp.objects.filter(pk=follow_up.pk).delete()
    assert refused(token).reason == "invalid"


@pytest.mark.django_db
def test_reused_link_is_refused_and_keeps_the_first_answer():
    follow_up = sent_follow_up()
    token = answer_token(follow_up)
    answer_follow_up(token=token, data=JOB)
    before = state(follow_up)

    error = refused(token)

    assert (error.reason, error.follow_up) == ("used", follow_up)
    assert state(follow_up) == before


@pytest.mark.django_db
def test_link_of_a_cancelled_follow_up_is_closed_and_changes_nothing():
    follow_up = sent_follow_up()
    token = answer_token(follow_up)
    withdraw_by_link(withdraw_token(follow_up.trainee))
    before = state(follow_up)

    assert refused(token).reason == "closed"
    assert state(follow_up) == before


@pytest.mark.django_db
def test_unanswered_follow_up_takes_a_late_answer_while_consent_lasts(settings):
    follow_up = sent_follow_up()
    token = answer_token(follow_up)
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    for week in (1, 2, 3):
        run_follow_ups(timezone.now() + week * wait)
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.UNANSWERED

    answer_follow_up(token=token, data=JOB)

    outcome = Outcome.objects.get(enrolment=follow_up.enrolment_id, months_after=3)
    assert (outcome.category, outcome.source) == (
        OutcomeCategory.EMPLOYED_IT,
        OutcomeSource.FOLLOW_UP,
    )


@pytest.mark.django_db
def test_unanswered_follow_up_is_closed_once_consent_is_withdrawn(settings):
    follow_up = sent_follow_up()
    token = answer_token(follow_up)
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    for week in (1, 2, 3):
        run_follow_ups(timezone.now() + week * wait)
    withdraw_by_link(withdraw_token(follow_up.trainee))
    before = state(follow_up)

    assert refused(token).reason == "closed"
    assert state(follow_up) == before
    assert state(follow_up)[3][0]["source"] == OutcomeSource.NO_ANSWER


# The task --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_send_follow_ups_task_returns_the_runs_counts():
    former_trainee()
    former_trainee(consent=False)

    # Called in this process (its Celery path is in test_tasks.py): the report's counts.
    assert tasks.send_follow_ups() == {
        "scheduled": 1,
        "sent": 1,
        "reminded": 0,
        "unanswered": 0,
        "cancelled": 0,
    }
