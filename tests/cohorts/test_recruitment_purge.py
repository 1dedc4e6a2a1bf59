"""Applicants not taken are deleted after APPLICANT_RETENTION_MONTHS: declined ones
counted from the decision, never-decided ones from their cohort's end; taken ones and
those still within the period stay. Audited as counts per cohort, idempotent, and run
nightly by beat through a real worker."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from cohorts import tasks
from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill, ApplicantStatus
from cohorts.services.recruitment_purge import (
    applicants_past_retention,
    months_before,
    purge_applicants_not_taken,
)
from labportal.celery import app
from labportal.core import tasks as core_tasks
from labportal.core.models import AuditEntry, WorkerHeartbeat
from tests.cohorts.factories import (
    ApplicantEventFactory,
    ApplicantFactory,
    ApplicantSkillFactory,
    CohortFactory,
)
from tests.conftest import wait_for

schedule_migration = importlib.import_module("cohorts.migrations.0006_applicant_purge_schedule")

TASK = "cohorts.tasks.purge_applicants_not_taken"
TODAY = datetime.date(2026, 3, 31)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def ended_cohort(ended_on):
    return CohortFactory(
        status="finished", starts_on=ended_on - datetime.timedelta(days=180), ends_on=ended_on
    )


@pytest.fixture
def world(db):
    """Applicants on both sides of the six-month line (TODAY - 6 months = 2025-09-30)."""
    old = ended_cohort(datetime.date(2025, 9, 1))
    recent = ended_cohort(datetime.date(2025, 12, 1))
    people = {
        "declined_long_ago": ApplicantFactory(
            cohort=recent,
            status=ApplicantStatus.DECLINED,
            decided_at=at(datetime.date(2025, 9, 29)),
        ),
        "declined_lately": ApplicantFactory(
            cohort=recent,
            status=ApplicantStatus.DECLINED,
            decided_at=at(datetime.date(2025, 9, 30)),
        ),
        "undecided_of_old_cohort": ApplicantFactory(cohort=old, status=ApplicantStatus.SHORTLISTED),
        "offered_of_old_cohort": ApplicantFactory(cohort=old, status=ApplicantStatus.OFFERED),
        "undecided_of_recent_cohort": ApplicantFactory(cohort=recent),
        "accepted_of_old_cohort": ApplicantFactory(
            cohort=old, status=ApplicantStatus.ACCEPTED, decided_at=at(datetime.date(2025, 1, 1))
        ),
    }
    for applicant in people.values():
        ApplicantSkillFactory(applicant=applicant)
        ApplicantEventFactory(applicant=applicant)
    return {"old": old, "recent": recent, **people}


GONE = {"declined_long_ago", "undecided_of_old_cohort", "offered_of_old_cohort"}


def names_left(world):
    left = set(Applicant.objects.values_list("pk", flat=True))
    return {name for name, obj in world.items() if isinstance(obj, Applicant) and obj.pk in left}


def test_months_before_clamps_to_the_shorter_month():
    assert months_before(datetime.date(2026, 3, 31), 6) == datetime.date(2025, 9, 30)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_purge_deletes_only_those_past_the_period_with_their_skills_and_history(world):
    assert set(applicants_past_retention(TODAY)) == {world[name] for name in GONE}

    deleted = purge_applicants_not_taken(TODAY)

    assert deleted == 3
    assert names_left(world) == {
        "declined_lately",
        "undecided_of_recent_cohort",
        "accepted_of_old_cohort",
    }
    assert ApplicantSkill.objects.count() == ApplicantEvent.objects.count() == 3


def test_purge_is_audited_as_counts_per_cohort_without_personal_data(world):
    purge_applicants_not_taken(TODAY)

    audits = {
        entry.object_id: entry for entry in AuditEntry.objects.filter(action="applicants.purged")
    }
    assert set(audits) == {str(world["old"].pk), str(world["recent"].pk)}
    assert audits[str(world["old"].pk)].details == {
        "declined": 0,
        "undecided": 2,
        "retention_months": 6,
    }
    assert audits[str(world["recent"].pk)].details == {
        "declined": 1,
        "undecided": 0,
        "retention_months": 6,
    }
    assert all(entry.actor is None for entry in audits.values())
    text = str([entry.details for entry in audits.values()])
    assert "@" not in text
    assert world["declined_long_ago"].full_name not in text


def test_purge_twice_deletes_and_audits_nothing_more(world):
    purge_applicants_not_taken(TODAY)

    assert purge_applicants_not_taken(TODAY) == 0
    assert AuditEntry.objects.filter(action="applicants.purged").count() == 2


def test_the_period_is_configurable(world, settings):
    settings.APPLICANT_RETENTION_MONTHS = 12

    assert purge_applicants_not_taken(TODAY) == 0

    settings.APPLICANT_RETENTION_MONTHS = 1
    assert purge_applicants_not_taken(TODAY) == 5
    assert names_left(world) == {"accepted_of_old_cohort"}


def test_a_declined_applicant_without_a_decision_time_counts_from_the_last_change(db):
    applicant = ApplicantFactory(status=ApplicantStatus.DECLINED, decided_at=None)
    Applicant.objects.filter(pk=applicant.pk).update(updated_at=at(datetime.date(2025, 1, 1)))

    assert purge_applicants_not_taken(TODAY) == 1


# The task, for real -----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_purge_task_run_twice_by_a_real_worker_deletes_once(celery_worker):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    gone = ApplicantFactory(status=ApplicantStatus.DECLINED, decided_at=long_ago)
    kept = ApplicantFactory(status=ApplicantStatus.DECLINED, decided_at=timezone.now())

    tasks.purge_applicants_not_taken.delay()
    tasks.purge_applicants_not_taken.delay()  # beat fired twice
    WorkerHeartbeat.objects.all().delete()
    core_tasks.record_heartbeat.delay()

    assert wait_for(WorkerHeartbeat.objects.exists)
    assert list(Applicant.objects.all()) == [kept]
    assert not Applicant.objects.filter(pk=gone.pk).exists()
    (audit,) = AuditEntry.objects.filter(action="applicants.purged")
    assert audit.details["declined"] == 1


def test_the_purge_task_retries_on_database_errors_and_acks_late():
    task = app.tasks[TASK]

    assert task.acks_late is True
    assert task.max_retries == 5
    assert any(issubclass(error, Exception) for error in task.autoretry_for)


# Beat -------------------------------------------------------------------------------------
def schedule():
    return {
        (
            task.task,
            task.crontab.minute,
            task.crontab.hour,
            str(task.crontab.timezone),
            task.enabled,
        )
        for task in PeriodicTask.objects.filter(task=TASK)
    }


@pytest.mark.django_db
def test_beat_migration_schedules_the_purge_nightly_in_stockholm_time():
    assert schedule() == {(TASK, "45", "3", "Europe/Stockholm", True)}
    assert TASK in app.tasks


@pytest.mark.django_db
def test_beat_migration_is_reversible():
    schedule_migration.remove(apps, None)
    assert schedule() == set()
    assert not CrontabSchedule.objects.filter(minute="45", hour="3", day_of_week="*").exists()

    schedule_migration.create(apps, None)
    assert schedule() == {(TASK, "45", "3", "Europe/Stockholm", True)}
