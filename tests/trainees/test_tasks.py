"""The Monday reminders' task path for real: beat's task → Redis → a Celery worker →
outbox → SMTP, exactly once per trainee (and lead) and week, also when beat fires
twice or the worker is killed halfway through the run."""

import datetime
import importlib
import signal
import threading

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from cohorts import tasks as cohort_tasks
from labportal.celery import app
from labportal.core import tasks as core_tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.conftest import wait_for
from tests.core.smtp import smtp_server
from tests.core.test_outbox_crash import wait_for as wait_or_fail
from tests.core.test_outbox_crash import worker_process
from tests.trainees.test_follow_ups import former_trainee
from trainees import reminders, tasks
from trainees.models import FollowUp

beat_schedules = importlib.import_module("trainees.migrations.0004_beat_schedules")
follow_up_schedule = importlib.import_module("trainees.migrations.0007_follow_up_schedule")


def this_weeks_key(prefix, person):
    return f"{prefix}:{person.pk}:{reminders.iso_week(reminders.reported_week(timezone.now()))}"


def running_cohort(**kwargs):
    start = timezone.localdate() - datetime.timedelta(weeks=10)
    return CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(weeks=30), **kwargs)


def enrol_trainees(count):
    cohort = running_cohort()
    trainees = [UserFactory(role="trainee") for _ in range(count)]
    for trainee in trainees:
        EnrolmentFactory(cohort=cohort, trainee=trainee)
    return trainees


def all_sent(keys):
    return OutboxEmail.objects.filter(key__in=keys, status=OutboxStatus.SENT).count() == len(keys)


def run_last():
    """Queue a heartbeat behind what is queued, and wait until the worker got to it."""
    WorkerHeartbeat.objects.all().delete()
    core_tasks.record_heartbeat.delay()
    assert wait_for(WorkerHeartbeat.objects.exists)


@pytest.mark.django_db(transaction=True)
def test_log_reminder_task_run_twice_sends_one_email_per_trainee(celery_worker):
    trainees = enrol_trainees(3)
    keys = [this_weeks_key("log-reminder", trainee) for trainee in trainees]

    tasks.remind_trainees_of_missing_logs.delay()
    tasks.remind_trainees_of_missing_logs.delay()  # beat fired twice
    run_last()

    assert wait_for(lambda: all_sent(keys))
    run_last()  # any stray second send would have run by now
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(keys)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.email for t in trainees)


@pytest.mark.django_db(transaction=True)
def test_lead_digest_task_run_twice_sends_one_email_per_lead(celery_worker):
    leads = [UserFactory(role="lab_lead"), UserFactory(role="lab_lead")]
    enrol_trainees(2)  # without logs: something to report
    keys = [this_weeks_key("lead-digest", lead) for lead in leads]

    cohort_tasks.send_lead_digests.delay()
    cohort_tasks.send_lead_digests.delay()
    run_last()

    assert wait_for(lambda: all_sent(keys))
    run_last()
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(keys)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(lead.email for lead in leads)


@pytest.mark.django_db(transaction=True)
def test_follow_up_task_run_twice_sends_one_email_per_due_follow_up(celery_worker):
    due = [former_trainee(), former_trainee(months_ago=6)]
    former_trainee(consent=False)

    tasks.send_follow_ups.delay()
    tasks.send_follow_ups.delay()  # beat fired twice
    run_last()

    follow_ups = list(FollowUp.objects.all())
    assert sorted(f.enrolment_id for f in follow_ups) == sorted(e.pk for e in due)
    keys = [f"follow-up:{follow_up.pk}:1" for follow_up in follow_ups]
    assert wait_for(lambda: all_sent(keys))
    run_last()  # any stray second send would have run by now
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(keys)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.trainee.email for e in due)
    # each with its own answer link, put in at sending
    for message in mail.outbox:
        assert "/follow-up/" in message.body and "[secret:" not in message.body


def _hold_outbox_key(key, to, holding, release):
    """In a transaction of its own, insert the outbox row `key` and keep it uncommitted
    until `release`: a worker inserting the same key waits on it, mid-run."""
    try:
        with transaction.atomic():
            OutboxEmail.objects.create(key=key, to=to, subject="-", body_text="-")
            holding.set()
            release.wait(60)
            transaction.set_rollback(True)
    finally:
        connection.close()


def waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_worker_killed_in_the_middle_of_the_reminders_leaves_one_email_each(tmp_path):
    log = tmp_path / "workers.log"
    first, second = enrol_trainees(2)
    keys = [this_weeks_key("log-reminder", first), this_weeks_key("log-reminder", second)]
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_hold_outbox_key, args=(keys[1], second.email, holding, release)
    )
    holder.start()
    assert holding.wait(10)

    with smtp_server() as (port, handler):
        try:
            # given: a worker that is inserting the reminders and waits on the second
            with worker_process("first", port, log) as worker:
                tasks.remind_trainees_of_missing_logs.delay()
                wait_or_fail(
                    waiting_on_a_lock, 30, "the worker to stop at the second reminder", log
                )
                # when: it is killed there
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
        finally:
            release.set()
            holder.join(10)
        # The reminders are inserted in chunks, each in one transaction: the killed
        # chunk left nothing behind (a committed earlier chunk would stay, see
        # test_reminders' rerun of a run cut short).
        assert not OutboxEmail.objects.filter(key__in=keys).exists()

        # ... and beat runs the reminders again on a new worker
        with worker_process("second", port, log):
            tasks.remind_trainees_of_missing_logs.delay()
            wait_or_fail(lambda: all_sent(keys), 30, "both reminders to be sent", log)
            tasks.remind_trainees_of_missing_logs.delay()
            WorkerHeartbeat.objects.all().delete()
            core_tasks.record_heartbeat.delay()
            wait_or_fail(WorkerHeartbeat.objects.exists, 20, "the last task", log)

    # then: one row per key, and each trainee got exactly one email
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(keys)
    assert sorted(message["To"] for message in handler.received) == sorted(
        [first.email, second.email]
    )


# Beat ----------------------------------------------------------------------------------
EXPECTED_SCHEDULES = {
    # task: (minute, hour, day_of_week, day_of_month, month_of_year)
    "trainees.tasks.remind_trainees_of_missing_logs": ("0", "8", "1", "*", "*"),
    "cohorts.tasks.send_lead_digests": ("30", "7", "1", "*", "*"),
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
        for task in PeriodicTask.objects.filter(task__in=list(EXPECTED_SCHEDULES))
    }


def expected():
    return {
        task: (*crontab, "Europe/Stockholm", True) for task, crontab in EXPECTED_SCHEDULES.items()
    }


@pytest.mark.django_db
def test_beat_migration_schedules_the_monday_reminders_in_stockholm_time():
    assert schedules() == expected()


def test_beat_schedules_name_registered_tasks():
    app.loader.import_default_modules()
    for name in EXPECTED_SCHEDULES:
        assert name in app.tasks


@pytest.mark.django_db
def test_beat_migration_is_reversible():
    beat_schedules.remove(apps, None)
    assert schedules() == {}
    assert not CrontabSchedule.objects.filter(minute="0", hour="8", day_of_week="1").exists()

    beat_schedules.create(apps, None)
    assert schedules() == expected()


FOLLOW_UP_TASK = "trainees.tasks.send_follow_ups"


def follow_up_schedules():
    return [
        (t.name, t.crontab.minute, t.crontab.hour, t.crontab.day_of_week, str(t.crontab.timezone))
        for t in PeriodicTask.objects.filter(task=FOLLOW_UP_TASK)
    ]


@pytest.mark.django_db
def test_beat_migration_sends_follow_ups_daily_at_0915_stockholm_time_reversibly():
    app.loader.import_default_modules()
    assert FOLLOW_UP_TASK in app.tasks
    daily = [("Send follow-ups to former trainees", "15", "9", "*", "Europe/Stockholm")]
    assert follow_up_schedules() == daily

    follow_up_schedule.remove(apps, None)
    assert follow_up_schedules() == []
    assert not CrontabSchedule.objects.filter(minute="15", hour="9").exists()

    follow_up_schedule.create(apps, None)
    follow_up_schedule.create(apps, None)  # again: still one
    assert follow_up_schedules() == daily
