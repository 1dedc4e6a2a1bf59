"""The nudges' task path for real: beat's task → Redis → a Celery worker → outbox."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from labportal.celery import app
from labportal.core.models import OutboxEmail, OutboxStatus
from prototypes import reminders, tasks
from prototypes.models import IdeaStatus
from tests.conftest import wait_for
from tests.prototypes.factories import IdeaFactory

beat_schedules = importlib.import_module("prototypes.migrations.0003_beat_schedules")


def sent(key):
    return OutboxEmail.objects.filter(key=key, status=OutboxStatus.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_remind_lab_of_waiting_ideas_runs_on_the_worker(celery_worker, lab_lead, settings):
    settings.IDEA_TRIAGE_REMINDER_DAYS = 7
    IdeaFactory(submitted_at=timezone.now() - timedelta(days=8))
    key = f"idea-triage-reminder:{lab_lead.pk}:{timezone.localdate().isoformat()}"

    tasks.remind_lab_of_waiting_ideas.delay()

    assert wait_for(lambda: sent(key))
    assert [m.to for m in mail.outbox] == [[lab_lead.email]]
    assert tasks.remind_lab_of_waiting_ideas() == 0  # the same day again: nothing new


@pytest.mark.django_db(transaction=True)
def test_remind_lab_of_missing_evaluations_runs_on_the_worker(celery_worker, lab_lead, settings):
    settings.EVALUATION_REMINDER_DAYS = 30
    idea = IdeaFactory(
        status=IdeaStatus.DELIVERED, delivered_at=timezone.now() - timedelta(days=31)
    )
    key = f"idea-evaluation-reminder:{idea.pk}:{lab_lead.pk}"

    tasks.remind_lab_of_missing_evaluations.delay()

    assert wait_for(lambda: sent(key))
    assert [m.to for m in mail.outbox] == [[lab_lead.email]]
    assert tasks.remind_lab_of_missing_evaluations() == 0


@pytest.mark.django_db(transaction=True)
def test_send_idea_digests_runs_on_the_worker(celery_worker, department_staff):
    month, _, _ = reminders.reported_month(timezone.now())
    key = f"idea-digest:{department_staff.pk}:{month:%Y-%m}"

    tasks.send_idea_digests.delay()

    assert wait_for(lambda: sent(key))
    assert [m.to for m in mail.outbox] == [[department_staff.email]]
    assert tasks.send_idea_digests() == 0


# Beat ----------------------------------------------------------------------------------
EXPECTED_SCHEDULES = {
    # task: (minute, hour, day_of_week, day_of_month, month_of_year)
    "prototypes.tasks.remind_lab_of_waiting_ideas": ("30", "7", "1-5", "*", "*"),
    "prototypes.tasks.remind_lab_of_missing_evaluations": ("45", "7", "*", "*", "*"),
    "prototypes.tasks.send_idea_digests": ("0", "8", "*", "1", "*"),
}


def schedules():
    return {
        task.task: (
            task.crontab.minute,
            task.crontab.hour,
            task.crontab.day_of_week,
            task.crontab.day_of_month,
            task.crontab.month_of_year,
            str(task.crontab.timezone),
            task.enabled,
        )
        for task in PeriodicTask.objects.filter(task__startswith="prototypes.tasks.")
    }


def expected():
    return {
        task: (*crontab, "Europe/Stockholm", True) for task, crontab in EXPECTED_SCHEDULES.items()
    }


@pytest.mark.django_db
def test_beat_migration_schedules_the_three_nudges_in_stockholm_time():
    assert schedules() == expected()


def test_beat_schedules_name_registered_tasks():
    app.loader.import_default_modules()
    for name in EXPECTED_SCHEDULES:
        assert name in app.tasks


@pytest.mark.django_db
def test_beat_migration_is_reversible():
    beat_schedules.remove(apps, None)
    assert schedules() == {}
    assert not CrontabSchedule.objects.filter(minute="45", hour="7").exists()

    beat_schedules.create(apps, None)
    assert schedules() == expected()
