"""The Monday reminder of a missing weekly log, called directly: who is reminded, in
which language, and only once per trainee and week."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from labportal.core.models import OutboxEmail
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.trainees.factories import ProgressLogFactory
from trainees import reminders

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday of ISO week 13 of 2025, at beat's hour: the reminder is about week 12.
NOW = datetime(2025, 3, 24, 8, 0, tzinfo=STOCKHOLM)
LAST_WEEK = date(2025, 3, 17)
KEY_WEEK = "2025-W12"


@pytest.fixture
def cohort(db):
    return CohortFactory(starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 27))


def enrolled(cohort, **kwargs):
    trainee = UserFactory(role="trainee", **kwargs)
    EnrolmentFactory(cohort=cohort, trainee=trainee)
    return trainee


def emails_to(user):
    return list(OutboxEmail.objects.filter(to=user.email))


def test_reported_week_is_last_week_in_stockholm():
    assert reminders.reported_week(NOW) == LAST_WEEK
    # Sunday 23:30 UTC is already Monday in Stockholm.
    assert reminders.reported_week(datetime(2025, 3, 23, 23, 30, tzinfo=ZoneInfo("UTC"))) == (
        LAST_WEEK
    )
    assert reminders.iso_week(LAST_WEEK) == KEY_WEEK
    assert reminders.iso_week(date(2024, 12, 30)) == "2025-W01"


def test_trainee_without_last_weeks_log_gets_one_reminder(cohort, settings):
    settings.SITE_URL = "https://lab.kommun.se"
    trainee = enrolled(cohort, full_name="Tove Trainee")
    ProgressLogFactory(trainee=trainee, week=LAST_WEEK - timedelta(weeks=1))

    assert reminders.send_log_reminders(now=NOW) == 1

    [email] = emails_to(trainee)
    assert email.key == f"log-reminder:{trainee.pk}:{KEY_WEEK}"
    assert "12" in email.subject
    assert "Tove Trainee" in email.body_text
    log_url = "https://lab.kommun.se" + reverse("trainees:log_create") + "?week=2025-03-17"
    assert log_url in email.body_text


def test_reminder_is_in_the_trainees_language(cohort):
    swedish = enrolled(cohort)
    english = enrolled(cohort, language="en")

    reminders.send_log_reminders(now=NOW)

    [en] = emails_to(english)
    assert "Your log for week 12 is missing" in en.subject
    assert "17 March – 23 March 2025" in en.body_text  # noqa: RUF001 - the date range as written
    [sv] = emails_to(swedish)
    assert "mars" in sv.body_text


def test_no_reminder_for_a_written_log(cohort):
    trainee = enrolled(cohort)
    ProgressLogFactory(trainee=trainee, week=LAST_WEEK)

    assert reminders.send_log_reminders(now=NOW) == 0
    assert not OutboxEmail.objects.exists()


def test_no_reminder_outside_a_running_enrolment(cohort):
    inactive = enrolled(cohort, is_active=False)
    starting_today = UserFactory(role="trainee")
    EnrolmentFactory(cohort=cohort, trainee=starting_today, starts_on=date(2025, 3, 24))
    left = UserFactory(role="trainee")
    EnrolmentFactory(cohort=cohort, trainee=left, ends_on=date(2025, 3, 21))
    finished = enrolled(CohortFactory(starts_on=date(2024, 9, 2), ends_on=date(2025, 3, 21)))
    planned = enrolled(CohortFactory(starts_on=date(2025, 4, 7), ends_on=date(2025, 9, 26)))
    not_a_trainee = UserFactory(role="supervisor")
    EnrolmentFactory(cohort=cohort, trainee=not_a_trainee)
    never_enrolled = UserFactory(role="trainee")

    assert reminders.send_log_reminders(now=NOW) == 0
    for person in (
        inactive,
        starting_today,
        left,
        finished,
        planned,
        not_a_trainee,
        never_enrolled,
    ):
        assert emails_to(person) == []


def test_a_trainee_who_started_midweek_owes_that_weeks_log(cohort):
    wednesday = UserFactory(role="trainee")
    EnrolmentFactory(cohort=cohort, trainee=wednesday, starts_on=date(2025, 3, 19))

    assert reminders.send_log_reminders(now=NOW) == 1
    assert len(emails_to(wednesday)) == 1


def test_reminder_is_sent_once_per_trainee_and_week(cohort):
    first, second = enrolled(cohort), enrolled(cohort)

    assert reminders.send_log_reminders(now=NOW) == 2
    assert reminders.send_log_reminders(now=NOW) == 0  # beat fired twice
    assert reminders.send_log_reminders(now=NOW + timedelta(days=1)) == 0  # a late rerun

    assert OutboxEmail.objects.count() == 2
    assert [len(emails_to(first)), len(emails_to(second))] == [1, 1]


def test_a_rerun_completes_a_run_cut_short(cohort):
    first, second = enrolled(cohort), enrolled(cohort)
    reminders.send_log_reminders(now=NOW)
    # as if the worker had died after the first email
    OutboxEmail.objects.filter(to=second.email).delete()

    assert reminders.send_log_reminders(now=NOW) == 1

    assert [len(emails_to(first)), len(emails_to(second))] == [1, 1]


def test_next_weeks_reminder_is_a_new_one(cohort):
    trainee = enrolled(cohort)

    reminders.send_log_reminders(now=NOW)
    reminders.send_log_reminders(now=NOW + timedelta(weeks=1))

    assert sorted(e.key for e in emails_to(trainee)) == [
        f"log-reminder:{trainee.pk}:2025-W12",
        f"log-reminder:{trainee.pk}:2025-W13",
    ]


def test_each_reminder_greets_its_own_trainee(cohort):
    # The email is rendered once per language: the names must still be each one's own.
    ada = enrolled(cohort, full_name="Ada <Lovelace> & Co")
    nameless = enrolled(cohort, full_name="")
    english = enrolled(cohort, full_name="Grace Hopper", language="en")

    assert reminders.send_log_reminders(now=NOW) == 3

    [to_ada], [to_nameless], [to_english] = (emails_to(p) for p in (ada, nameless, english))
    assert "Ada <Lovelace> & Co" in to_ada.body_text
    assert nameless.email in to_nameless.body_text
    assert "Grace Hopper" in to_english.body_text
    assert "Your log for week 12 is missing" in to_english.subject
    for email in (to_ada, to_nameless, to_english):
        assert reminders.NAME_PLACEHOLDER not in email.subject + email.body_text
    assert "Ada" not in to_nameless.body_text + to_english.body_text


@pytest.mark.parametrize("count", [3, 30])
def test_the_fan_out_takes_a_bounded_number_of_queries(
    cohort, count, django_assert_max_num_queries
):
    for _ in range(count):
        enrolled(cohort)

    # trainees, keys already queued, one INSERT per chunk (with its transaction)
    with django_assert_max_num_queries(6):
        assert reminders.send_log_reminders(now=NOW) == count
    with django_assert_max_num_queries(2):
        assert reminders.send_log_reminders(now=NOW) == 0
