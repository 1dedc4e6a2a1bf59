"""The scheduled nudges, called directly: who is told, about what, and only once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from labportal.core.models import OutboxEmail
from prototypes import reminders
from prototypes.models import IdeaStatus
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.prototypes.factories import EvaluationFactory, IdeaEventFactory, IdeaFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Thursday morning, when beat sends the triage reminder.
NOW = datetime(2025, 3, 20, 7, 30, tzinfo=STOCKHOLM)
# The digest's morning: it reports March 2025.
FIRST_OF_APRIL = datetime(2025, 4, 1, 8, 0, tzinfo=STOCKHOLM)


def emails_to(user):
    return list(OutboxEmail.objects.filter(to=user.email))


def waiting_idea(days, **kwargs):
    return IdeaFactory(submitted_at=NOW - timedelta(days=days), **kwargs)


def delivered_idea(days, **kwargs):
    kwargs.setdefault("status", IdeaStatus.DELIVERED)
    return IdeaFactory(
        submitted_at=NOW - timedelta(days=days + 60),
        delivered_at=NOW - timedelta(days=days),
        **kwargs,
    )


def event_at(idea, when, to_status=IdeaStatus.SUBMITTED):
    event = IdeaEventFactory(idea=idea, from_status=IdeaStatus.DRAFT, to_status=to_status)
    type(event).objects.filter(pk=event.pk).update(created_at=when)
    return event


# Triage reminder ---------------------------------------------------------------------
@pytest.fixture
def triage_days(settings):
    settings.IDEA_TRIAGE_REMINDER_DAYS = 7
    return 7


def test_triage_reminder_goes_to_each_active_lab_lead_once(
    lab_lead, admin, department_staff, settings, triage_days
):
    # given
    other_lead = UserFactory(role="lab_lead")
    retired_lead = UserFactory(role="lab_lead", is_active=False)
    idea = waiting_idea(10, title="Digital bygglovsansökan")

    # when
    sent = reminders.send_triage_reminders(now=NOW)

    # then
    assert sent == 2
    for lead in (lab_lead, other_lead):
        [email] = emails_to(lead)
        assert email.key == f"idea-triage-reminder:{lead.pk}:2025-03-20"
        assert "Digital bygglovsansökan" in email.body_text
        assert settings.SITE_URL + reverse("prototypes:detail", args=[idea.pk]) in email.body_text
        assert idea.department.name in email.body_text
    for nobody in (retired_lead, admin, department_staff, idea.submitted_by):
        assert emails_to(nobody) == []


def test_triage_reminder_lists_days_waiting_and_absolute_links(lab_lead, settings, triage_days):
    settings.SITE_URL = "https://lab.kommun.se"
    lab_lead.language = "en"
    lab_lead.save()
    idea = waiting_idea(9)

    reminders.send_triage_reminders(now=NOW)

    [email] = emails_to(lab_lead)
    assert "waiting for 9 days" in email.body_text
    assert f"https://lab.kommun.se/ideas/{idea.pk}/" in email.body_text
    assert "https://lab.kommun.se/ideas/?status=submitted" in email.body_text
    assert "1 idea" not in email.subject
    assert "One idea is waiting" in email.subject


def test_triage_reminder_counts_only_ideas_older_than_the_threshold(lab_lead, triage_days):
    on_the_boundary = IdeaFactory(submitted_at=NOW - timedelta(days=triage_days))
    just_past = IdeaFactory(submitted_at=NOW - timedelta(days=triage_days, seconds=1))

    reminders.send_triage_reminders(now=NOW)

    [email] = emails_to(lab_lead)
    assert just_past.title in email.body_text
    assert on_the_boundary.title not in email.body_text


def test_triage_reminder_sends_nothing_when_no_idea_waits_too_long(lab_lead, triage_days):
    IdeaFactory(submitted_at=NOW - timedelta(days=triage_days))
    for status in (IdeaStatus.NEEDS_INFORMATION, IdeaStatus.ACCEPTED, IdeaStatus.DECLINED):
        waiting_idea(30, status=status)
    waiting_idea(30, status=IdeaStatus.DRAFT)

    assert reminders.send_triage_reminders(now=NOW) == 0
    assert not OutboxEmail.objects.exists()


def test_triage_reminder_lists_the_oldest_twenty_and_counts_the_rest(lab_lead, triage_days):
    lab_lead.language = "en"
    lab_lead.save()
    ideas = [waiting_idea(8 + n, title=f"Väntande idé nr {n:02d}") for n in range(25)]

    reminders.send_triage_reminders(now=NOW)

    [email] = emails_to(lab_lead)
    oldest_first = list(reversed(ideas))
    for idea in oldest_first[:20]:
        assert idea.title in email.body_text
    for idea in oldest_first[20:]:
        assert idea.title not in email.body_text
    assert "and 5 more ideas" in email.body_text
    assert "25 ideas are waiting" in email.subject


def test_triage_reminder_is_sent_at_most_once_a_day(lab_lead, triage_days):
    waiting_idea(10)

    assert reminders.send_triage_reminders(now=NOW) == 1
    assert reminders.send_triage_reminders(now=NOW + timedelta(hours=3)) == 0
    assert OutboxEmail.objects.count() == 1
    # the next (Stockholm) day it reminds again
    assert reminders.send_triage_reminders(now=NOW + timedelta(days=1)) == 1
    assert OutboxEmail.objects.count() == 2


def test_triage_reminder_day_is_the_stockholm_date(lab_lead, triage_days):
    waiting_idea(10)
    # 23:30 UTC on the 19th is already the 20th in Stockholm
    reminders.send_triage_reminders(now=datetime(2025, 3, 19, 23, 30, tzinfo=ZoneInfo("UTC")))

    [email] = emails_to(lab_lead)
    assert email.key.endswith(":2025-03-20")


def test_triage_reminder_is_written_in_the_leads_language(lab_lead, triage_days):
    english_lead = UserFactory(role="lab_lead", language="en")
    lab_lead.language = "sv"
    lab_lead.save()
    IdeaFactory(submitted_at=datetime(2025, 3, 10, 9, 0, tzinfo=STOCKHOLM))

    reminders.send_triage_reminders(now=NOW)

    assert "10 mars 2025" in emails_to(lab_lead)[0].body_text
    assert "10 March 2025" in emails_to(english_lead)[0].body_text


# Evaluation reminder ------------------------------------------------------------------
@pytest.fixture
def evaluation_days(settings):
    settings.EVALUATION_REMINDER_DAYS = 30
    return 30


def test_evaluation_reminder_goes_to_each_lead_for_each_unevaluated_prototype(
    lab_lead, admin, department_staff, evaluation_days
):
    other_lead = UserFactory(role="lab_lead")
    UserFactory(role="lab_lead", is_active=False)
    first = delivered_idea(31, title="Chattbot för bygglov")
    second = delivered_idea(45, title="Sensorer i skolor")

    sent = reminders.send_evaluation_reminders(now=NOW)

    assert sent == 4
    for lead in (lab_lead, other_lead):
        keys = {email.key for email in emails_to(lead)}
        assert keys == {
            f"idea-evaluation-reminder:{first.pk}:{lead.pk}",
            f"idea-evaluation-reminder:{second.pk}:{lead.pk}",
        }
    for nobody in (admin, department_staff, first.submitted_by):
        assert emails_to(nobody) == []
    email = OutboxEmail.objects.get(key=f"idea-evaluation-reminder:{first.pk}:{lab_lead.pk}")
    assert "Chattbot för bygglov" in email.subject
    assert first.submitted_by.email in email.body_text
    assert f"/ideas/{first.pk}/" in email.body_text


def test_evaluation_reminder_waits_until_the_threshold_has_passed(lab_lead, evaluation_days):
    on_the_boundary = delivered_idea(evaluation_days)
    just_past = IdeaFactory(
        status=IdeaStatus.DELIVERED,
        delivered_at=NOW - timedelta(days=evaluation_days, seconds=1),
    )

    assert reminders.send_evaluation_reminders(now=NOW) == 1
    [email] = emails_to(lab_lead)
    assert email.key == f"idea-evaluation-reminder:{just_past.pk}:{lab_lead.pk}"
    assert on_the_boundary.title not in email.subject


def test_evaluation_reminder_skips_evaluated_and_other_statuses(lab_lead, evaluation_days):
    evaluated = delivered_idea(60)
    EvaluationFactory(idea=evaluated)
    delivered_idea(60, status=IdeaStatus.EVALUATED)
    delivered_idea(60, status=IdeaStatus.ARCHIVED)
    delivered_idea(60, status=IdeaStatus.IN_PROGRESS)

    assert reminders.send_evaluation_reminders(now=NOW) == 0
    assert not OutboxEmail.objects.exists()


def test_evaluation_reminder_is_sent_once_ever(lab_lead, evaluation_days):
    delivered_idea(40)

    assert reminders.send_evaluation_reminders(now=NOW) == 1
    assert reminders.send_evaluation_reminders(now=NOW) == 0
    assert reminders.send_evaluation_reminders(now=NOW + timedelta(days=30)) == 0
    assert OutboxEmail.objects.count() == 1
    # a lead who joins later is told once too
    new_lead = UserFactory(role="lab_lead")
    assert reminders.send_evaluation_reminders(now=NOW + timedelta(days=31)) == 1
    assert len(emails_to(new_lead)) == 1


def test_evaluation_reminder_is_written_in_the_leads_language(lab_lead, evaluation_days):
    english_lead = UserFactory(role="lab_lead", language="en")
    lab_lead.language = "sv"
    lab_lead.save()
    IdeaFactory(
        status=IdeaStatus.DELIVERED, delivered_at=datetime(2025, 2, 3, 10, 0, tzinfo=STOCKHOLM)
    )

    reminders.send_evaluation_reminders(now=NOW)

    assert "3 februari 2025" in emails_to(lab_lead)[0].body_text
    assert "3 February 2025" in emails_to(english_lead)[0].body_text


# Monthly digest ------------------------------------------------------------------------
def test_digest_goes_to_active_staff_of_active_departments(
    department_staff, lab_lead, admin, trainee
):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    UserFactory(role="department_staff", department=department_staff.department, is_active=False)
    closed = DepartmentFactory(is_active=False)
    staff_of_closed = UserFactory(role="department_staff", department=closed)

    sent = reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    assert sent == 2
    assert emails_to(department_staff)[0].key == f"idea-digest:{department_staff.pk}:2025-03"
    assert emails_to(colleague)[0].key == f"idea-digest:{colleague.pk}:2025-03"
    for nobody in (staff_of_closed, lab_lead, admin, trainee):
        assert emails_to(nobody) == []


def test_digest_counts_the_departments_ideas_per_status(department_staff, outsider):
    # given
    department = department_staff.department
    department_staff.language = "en"
    department_staff.save()
    for _ in range(3):
        IdeaFactory(department=department, status=IdeaStatus.SUBMITTED)
    IdeaFactory(department=department, status=IdeaStatus.IN_PROGRESS)
    IdeaFactory(department=department, status=IdeaStatus.ARCHIVED)
    IdeaFactory(department=department, status=IdeaStatus.DRAFT, submitted_by=department_staff)
    IdeaFactory(department=department, status=IdeaStatus.DRAFT)  # a colleague's
    IdeaFactory(department=outsider.department, status=IdeaStatus.DECLINED)

    # when
    reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    # then
    body = emails_to(department_staff)[0].body_text
    assert "- Your drafts: 1\n" in body
    assert "- Submitted: 3\n" in body
    assert "- In progress: 1\n" in body
    assert "Archived" not in body
    assert "Declined" not in body
    assert "has no ideas" not in body


def test_digest_lists_ideas_that_changed_status_in_the_previous_month(department_staff):
    department = department_staff.department
    department_staff.language = "en"
    department_staff.save()
    first_minute = IdeaFactory(department=department, title="Ändrad första minuten")
    last_minute = IdeaFactory(department=department, title="Ändrad sista minuten", status="planned")
    before = IdeaFactory(department=department, title="Ändrad i februari")
    after = IdeaFactory(department=department, title="Ändrad i april")
    others_draft = IdeaFactory(department=department, title="Kollegans utkast", status="draft")
    event_at(first_minute, datetime(2025, 3, 1, 0, 0, tzinfo=STOCKHOLM))
    event_at(last_minute, datetime(2025, 3, 31, 23, 59, tzinfo=STOCKHOLM), IdeaStatus.PLANNED)
    event_at(before, datetime(2025, 2, 28, 23, 59, tzinfo=STOCKHOLM))
    event_at(after, datetime(2025, 4, 1, 0, 0, tzinfo=STOCKHOLM))
    event_at(others_draft, datetime(2025, 3, 15, 12, 0, tzinfo=STOCKHOLM))

    reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    body = emails_to(department_staff)[0].body_text
    assert "Changed status in March 2025:" in body
    assert "- Ändrad första minuten: now “Submitted”\n  http://" in body
    assert "- Ändrad sista minuten: now “Planned”" in body
    assert f"/ideas/{last_minute.pk}/" in body
    assert "Ändrad i februari" not in body
    assert "Ändrad i april" not in body
    assert "Kollegans utkast" not in body


def test_digest_of_a_department_without_ideas_invites_one(department_staff, settings):
    settings.SITE_URL = "https://lab.kommun.se"
    department_staff.language = "en"
    department_staff.save()
    IdeaFactory(status=IdeaStatus.SUBMITTED)  # another department's

    reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    body = emails_to(department_staff)[0].body_text
    assert f"{department_staff.department.name} has no ideas" in body
    assert "https://lab.kommun.se/ideas/new/" in body
    assert "Submitted" not in body


def test_digest_of_a_department_with_ideas_does_not_say_it_has_none(department_staff):
    department_staff.language = "en"
    department_staff.save()
    IdeaFactory(department=department_staff.department)

    reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    body = emails_to(department_staff)[0].body_text
    assert "has no ideas" not in body
    assert "No idea changed status in March 2025." in body


def test_digest_is_sent_once_per_person_and_month(department_staff):
    assert reminders.send_monthly_digests(now=FIRST_OF_APRIL) == 1
    assert reminders.send_monthly_digests(now=FIRST_OF_APRIL + timedelta(days=5)) == 0
    assert OutboxEmail.objects.count() == 1
    assert reminders.send_monthly_digests(now=FIRST_OF_APRIL + timedelta(days=30)) == 1
    assert emails_to(department_staff)[0].key.endswith(":2025-04")


def test_digest_in_january_reports_december_of_the_year_before(department_staff):
    reminders.send_monthly_digests(now=datetime(2026, 1, 1, 8, 0, tzinfo=STOCKHOLM))

    assert emails_to(department_staff)[0].key == f"idea-digest:{department_staff.pk}:2025-12"


def test_digest_is_written_in_the_recipients_language(department_staff):
    english = UserFactory(
        role="department_staff", department=department_staff.department, language="en"
    )
    department_staff.language = "sv"
    department_staff.save()
    IdeaFactory(department=department_staff.department, status=IdeaStatus.SUBMITTED)

    reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    swedish_email = emails_to(department_staff)[0]
    english_email = emails_to(english)[0]
    assert "mars 2025" in swedish_email.subject
    assert "Inskickad: 1" in swedish_email.body_text
    assert "March 2025" in english_email.subject
    assert "Submitted: 1" in english_email.body_text


@pytest.mark.parametrize("ideas", [5, 50])
def test_digest_queries_do_not_grow_with_the_number_of_ideas(
    ideas, department_staff, outsider, django_assert_max_num_queries
):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    statuses = [IdeaStatus.SUBMITTED, IdeaStatus.PLANNED, IdeaStatus.DELIVERED]
    for n in range(ideas):
        for author in (department_staff, outsider):
            idea = IdeaFactory(
                department=author.department,
                submitted_by=author,
                status=statuses[n % len(statuses)],
            )
            event_at(idea, datetime(2025, 3, 10, 12, 0, tzinfo=STOCKHOLM))
    IdeaFactory(department=department_staff.department, status="draft", submitted_by=colleague)

    # five reads for everyone, then only the outbox write of each of the three recipients
    with django_assert_max_num_queries(5 + 3 * 4):
        sent = reminders.send_monthly_digests(now=FIRST_OF_APRIL)

    assert sent == 3
    assert emails_to(department_staff)[0].body_text.count("/ideas/") == ideas + 1
