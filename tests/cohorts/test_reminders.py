"""The lab leads' Monday digest, called directly: what it reports per running cohort,
who gets it, and only once per recipient and week."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import reminders
from labportal.core.models import OutboxEmail
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.trainees.factories import MilestoneFactory, ProgressLogFactory
from trainees.models import MilestoneStatus, MilestoneType

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2025, 3, 24, 7, 30, tzinfo=STOCKHOLM)  # Monday of week 13
LAST_WEEK = date(2025, 3, 17)


def enrolled(cohort, name, **kwargs):
    trainee = UserFactory(role="trainee", full_name=name, **kwargs)
    EnrolmentFactory(cohort=cohort, trainee=trainee)
    return trainee


@pytest.fixture
def spring(db):
    """A running cohort: Alva wrote no log, Bertil is blocked, Cissi is fine but has an
    overdue milestone, Dag is fine."""
    cohort = CohortFactory(name="Vår 2025", starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 27))
    enrolled(cohort, "Alva Ahl")
    bertil = enrolled(cohort, "Bertil Bok")
    ProgressLogFactory(trainee=bertil, week=LAST_WEEK, blockers="Väntar på konto i  GitLab")
    cissi = enrolled(cohort, "Cissi Cell")
    ProgressLogFactory(trainee=cissi, week=LAST_WEEK, blockers="   ")
    MilestoneFactory(
        trainee=cissi,
        type=MilestoneType.objects.get(name_en="CV reviewed"),
        due_on=date(2025, 3, 10),
    )
    MilestoneFactory(trainee=cissi, due_on=date(2025, 3, 30))  # not yet due
    MilestoneFactory(trainee=cissi, due_on=date(2025, 3, 1), status=MilestoneStatus.SKIPPED)
    dag = enrolled(cohort, "Dag Dal")
    ProgressLogFactory(trainee=dag, week=LAST_WEEK)
    return cohort


def emails_to(user):
    return list(OutboxEmail.objects.filter(to=user.email))


def test_digest_reports_missing_logs_blockers_and_overdue_milestones(lab_lead, spring, settings):
    settings.SITE_URL = "https://lab.kommun.se"
    lab_lead.language = "en"
    lab_lead.save()

    assert reminders.send_lead_digests(now=NOW) == 1

    [email] = emails_to(lab_lead)
    body = email.body_text
    assert email.key == f"lead-digest:{lab_lead.pk}:2025-W12"
    assert "week 12" in email.subject
    assert "Vår 2025" in body
    assert "No log for last week (1 trainee):\n- Alva Ahl" in body
    assert "- Bertil Bok: Väntar på konto i GitLab" in body
    assert "Cissi Cell: CV reviewed (due 10 March)" in body
    assert "Dag Dal" not in body
    assert "https://lab.kommun.se" + reverse("cohorts:progress", args=[spring.pk]) in body


def test_digest_is_in_the_recipients_language(lab_lead, spring):
    reminders.send_lead_digests(now=NOW)

    [email] = emails_to(lab_lead)
    assert "CV granskat" in email.body_text
    assert "10 mars" in email.body_text


def test_digest_goes_to_every_lab_lead_and_the_cohorts_own_lead(spring, lab_lead, admin):
    other_lead = UserFactory(role="lab_lead")
    retired_lead = UserFactory(role="lab_lead", is_active=False)
    autumn = CohortFactory(
        name="Höst 2024", starts_on=date(2024, 9, 2), ends_on=date(2025, 5, 30), lab_lead=admin
    )
    enrolled(autumn, "Erik Ek")

    assert reminders.send_lead_digests(now=NOW) == 3

    for lead in (lab_lead, other_lead):
        [email] = emails_to(lead)
        assert "Vår 2025" in email.body_text and "Höst 2024" in email.body_text
    [admins] = emails_to(admin)
    assert "Höst 2024" in admins.body_text
    assert "Vår 2025" not in admins.body_text  # not theirs to lead
    assert emails_to(retired_lead) == []


def test_nobody_outside_the_lab_gets_the_digest(spring, supervisor, department_staff, trainee):
    spring.lab_lead = supervisor  # a supervisor must not read other trainees' blockers
    spring.save()

    assert reminders.send_lead_digests(now=NOW) == 0
    assert not OutboxEmail.objects.exists()


def test_finished_and_planned_cohorts_are_left_out(lab_lead, spring):
    finished = CohortFactory(
        name="Höst 2023", starts_on=date(2023, 9, 4), ends_on=date(2024, 5, 31)
    )
    enrolled(finished, "Fia Förr")
    planned = CohortFactory(name="Höst 2025", starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 29))
    enrolled(planned, "Gun Sen")

    reminders.send_lead_digests(now=NOW)

    [email] = emails_to(lab_lead)
    assert "Höst 2023" not in email.body_text and "Fia Förr" not in email.body_text
    assert "Höst 2025" not in email.body_text and "Gun Sen" not in email.body_text


def test_a_quiet_week_sends_nothing_unless_asked(lab_lead, settings):
    cohort = CohortFactory(name="Lugn", starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 27))
    ProgressLogFactory(trainee=enrolled(cohort, "Hanna Hel"), week=LAST_WEEK)
    lab_lead.language = "en"
    lab_lead.save()

    assert reminders.send_lead_digests(now=NOW) == 0

    settings.LEAD_DIGEST_WHEN_QUIET = True
    assert reminders.send_lead_digests(now=NOW) == 1
    [email] = emails_to(lab_lead)
    assert "Every trainee wrote last week's log" in email.body_text


def test_quiet_cohorts_are_named_beside_those_with_news(lab_lead, spring):
    quiet = CohortFactory(name="Lugn", starts_on=date(2025, 1, 6), ends_on=date(2025, 6, 27))
    ProgressLogFactory(trainee=enrolled(quiet, "Hanna Hel"), week=LAST_WEEK)
    lab_lead.language = "en"
    lab_lead.save()

    reminders.send_lead_digests(now=NOW)

    [email] = emails_to(lab_lead)
    assert "Nothing to report from: Lugn." in email.body_text
    assert "Hanna Hel" not in email.body_text


def test_digest_is_sent_once_per_lead_and_week(lab_lead, spring):
    assert reminders.send_lead_digests(now=NOW) == 1
    assert reminders.send_lead_digests(now=NOW) == 0
    assert reminders.send_lead_digests(now=NOW + timedelta(days=2)) == 0
    assert reminders.send_lead_digests(now=NOW + timedelta(weeks=1)) == 1

    assert sorted(e.key for e in emails_to(lab_lead)) == [
        f"lead-digest:{lab_lead.pk}:2025-W12",
        f"lead-digest:{lab_lead.pk}:2025-W13",
    ]


def test_digest_queries_do_not_grow_with_trainees(lab_lead, spring):
    def queries():
        OutboxEmail.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert reminders.send_lead_digests(now=NOW) == 1
        return len(captured)

    small = queries()
    for n in range(30):
        trainee = enrolled(spring, f"Extra {n:02d}")
        MilestoneFactory(trainee=trainee, due_on=date(2025, 3, 1))
        if n % 2:
            ProgressLogFactory(trainee=trainee, week=LAST_WEEK, blockers="Sjuk")

    assert queries() == small
