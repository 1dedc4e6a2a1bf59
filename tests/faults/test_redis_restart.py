"""Redis restarted (without persistence, so empty) under a running site: people keep
signing in and working, and the tasks that waited in it come back from PostgreSQL.

Sessions live in PostgreSQL and the cache answers as an empty one while Redis is
away (labportal/core/cache.py), so the site does not notice beyond its rate limits.
The broker's queue is lost with the restart: beat's sweeps queue again what the
database says is still waiting (the outbox's flush, the exports' requeue).
"""

from __future__ import annotations

import datetime
import time

import pytest
import requests
from django.db import transaction
from django.utils import timezone

from labportal.accounts import services as account_services
from labportal.core import tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from reports import tasks as report_tasks
from reports.figures import Filters
from reports.jobs import request_export
from reports.models import ExportJob, ExportStatus
from tests.accounts.factories import PASSWORD, DepartmentFactory, UserFactory
from tests.conftest import TEST_QUEUE
from tests.faults.stack import gunicorn_workers_booted, sign_in

pytestmark = pytest.mark.faults

DOWN_SECONDS = 3


def invite(admin, email: str) -> str:
    with transaction.atomic():
        invitation, _token = account_services.invite_user(actor=admin, email=email, role="trainee")
    return f"invitation:{invitation.pk}"


def test_redis_restart_keeps_the_site_up_and_lost_tasks_come_back(
    stack, smtp, private_redis, _real_password_hashing
):
    started = time.monotonic()
    _port, handler = smtp
    admin = UserFactory(role="admin")
    lead = UserFactory(role="lab_lead")
    department = DepartmentFactory()
    person = UserFactory(role="department_staff", department=department)
    colleague = UserFactory(role="department_staff", department=department)

    # given: the site, someone signed in, and a worker that has left a heartbeat
    base = stack.gunicorn()
    first = stack.worker("first")
    tasks.record_heartbeat.delay()
    stack.wait(WorkerHeartbeat.objects.exists, 30, "the worker's heartbeat")
    browser = requests.Session()
    assert sign_in(browser, base, person.email, PASSWORD).status_code == 302
    booted = gunicorn_workers_booted(stack.web_log)
    # ... the worker stopped (a deploy), while events queue their tasks in Redis
    first.stop()
    keys = [invite(admin, f"queued{number}@example.se") for number in range(3)]
    job = request_export(actor=lead, filters=Filters(), file_format="csv")
    assert private_redis.client().llen(TEST_QUEUE) == 4

    # when: Redis goes away
    private_redis.stop()
    down_at = time.monotonic()

    # then: signed-in pages work, and someone else signs in (the login's rate limit
    # finds no cache and lets them through)
    assert browser.get(f"{base}/", timeout=10).status_code == 200
    other = requests.Session()
    assert sign_in(other, base, colleague.email, PASSWORD).status_code == 302
    assert other.get(f"{base}/", timeout=10).status_code == 200
    # ... an event still commits, though its task cannot be queued now
    keys.append(invite(admin, "during@example.se"))
    # ... and /healthz names Redis
    health = requests.get(f"{base}/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["checks"] == {
        "database": "ok",
        "redis": "failed",
        "worker": "ok",
        "email": "ok",
    }
    # ... a worker started now waits for the broker
    stack.worker("second")
    time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down_at)))

    # when: Redis is back, empty
    private_redis.start()
    print(f"\nredis down for {time.monotonic() - down_at:.1f} s")

    # then: the queued tasks are gone, and /healthz tells of the restart
    assert private_redis.client().llen(TEST_QUEUE) == 0
    health = requests.get(f"{base}/healthz", timeout=10)
    assert (health.status_code, health.json()["checks"]["redis"]) == (200, "ok")
    assert health.json()["details"]["redis"].startswith("restarted ")
    assert health.json()["details"]["redis"].endswith(" s ago")
    # ... the site went on in the same processes
    assert browser.get(f"{base}/", timeout=10).status_code == 200
    assert gunicorn_workers_booted(stack.web_log) == booted

    # when: beat's sweeps run (the export has waited longer than they wait)
    ExportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    tasks.flush_outbox.delay()
    report_tasks.requeue_lost_exports.delay()

    # then: every lost task ran, and each email arrived once
    stack.wait(
        lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.READY,
        30,
        "the export to be built",
    )
    keys.append(f"export-ready:{job.pk}")
    tasks.flush_outbox.delay()  # the export's email, should its task be slow to come
    stack.wait(
        lambda: (
            OutboxEmail.objects.filter(key__in=keys, status=OutboxStatus.SENT).count() == len(keys)
        ),
        30,
        "every email to be sent",
    )
    arrived = sorted(message["X-LabPortal-Event"] for message in handler.received)
    assert arrived == sorted(keys)
    print(f"redis restart: {time.monotonic() - started:.0f} s")
