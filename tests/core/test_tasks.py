"""The task path for real: committed event → Redis → a Celery worker → database."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from labportal.accounts import services as account_services
from labportal.core import tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_the_worker_exactly_once(celery_worker, admin):
    invitation, _ = account_services.invite_user(actor=admin, email="w@example.se", role="trainee")
    email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT)
    # a duplicated task (e.g. a redelivery) sends nothing more
    tasks.send_outbox_email.delay(email.pk)
    tasks.record_heartbeat.delay()  # queued after the duplicate: when it has run, so has that
    assert wait_for(lambda: WorkerHeartbeat.objects.exists())
    assert [m.to for m in mail.outbox] == [["w@example.se"]]
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_flush_outbox_sends_what_was_never_queued(celery_worker):
    OutboxEmail.objects.create(key="orphan:1", to="o@example.se", subject="s", body_text="b")
    tasks.flush_outbox.delay()
    assert wait_for(lambda: OutboxEmail.objects.get(key="orphan:1").status == OutboxStatus.SENT)


@pytest.mark.django_db(transaction=True)
def test_heartbeat_from_the_worker_makes_healthz_green(celery_worker, client):
    assert client.get(reverse("healthz")).status_code == 503
    tasks.record_heartbeat.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="worker").exists())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True
