"""The task path for real: committed event → Redis → a Celery worker → database."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from labportal.accounts import services as account_services
from labportal.core import outbox, tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from tests.conftest import wait_for
from tests.core.factories import OutboxEmailFactory
from tests.core.smtp import RecordingHandler, smtp_server, use_smtp


def status_of(email):
    return OutboxEmail.objects.get(pk=email.pk).status


@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_the_worker_exactly_once(celery_worker, admin):
    invitation, _ = account_services.invite_user(actor=admin, email="w@example.se", role="trainee")
    email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert wait_for(lambda: status_of(email) == OutboxStatus.SENT)
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
def test_flush_outbox_marks_an_email_whose_worker_died_interrupted(celery_worker, settings):
    # given: an email left "sending" by a worker that stopped 11 minutes ago
    settings.OUTBOX_SENDING_LEASE_SECONDS = 600
    email = OutboxEmailFactory(
        status=OutboxStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=11), attempts=1
    )
    # when
    tasks.flush_outbox.delay()
    # then: not sent again (the dead worker may have sent it), failed for an admin to check
    assert wait_for(lambda: status_of(email) == OutboxStatus.FAILED)
    assert OutboxEmail.objects.get(pk=email.pk).last_error == outbox.INTERRUPTED
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_worker_retries_a_temporary_refusal_by_itself(celery_worker, settings):
    # given: a mail server that greylists the first attempt, and a one-second backoff
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    handler = RecordingHandler(rcpt_replies=["451 4.7.1 Greylisted, try again later"])
    with smtp_server(handler) as (port, _):
        use_smtp(settings, port)
        # when
        email = OutboxEmailFactory(to="grey@example.se")
        tasks.send_outbox_email.delay(email.pk)
        # then: the task's own retry delivers it, without the periodic flush
        assert wait_for(lambda: status_of(email) == OutboxStatus.SENT)
    assert [message["To"] for message in handler.received] == ["grey@example.se"]
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_worker_marks_a_permanent_refusal_failed_and_healthz_warns(celery_worker, settings, client):
    handler = RecordingHandler(rcpt_replies=["550 5.1.1 No such user here"])
    with smtp_server(handler) as (port, _):
        use_smtp(settings, port)
        email = OutboxEmailFactory(to="nobody@example.se")
        tasks.send_outbox_email.delay(email.pk)
        assert wait_for(lambda: status_of(email) == OutboxStatus.FAILED)
    tasks.record_heartbeat.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.exists())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["email"] == "warning"
    assert response.json()["details"]["email"] == "1 failed emails"


@pytest.mark.django_db(transaction=True)
def test_purge_task_blanks_old_sent_emails(celery_worker, settings):
    settings.OUTBOX_BODY_RETENTION_DAYS = 30
    email = OutboxEmailFactory(
        status=OutboxStatus.SENT, sent_at=timezone.now() - timedelta(days=31)
    )
    tasks.purge_email_content.delay()
    assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).purged_at is not None)
    assert OutboxEmail.objects.get(pk=email.pk).body_text == ""


def test_beat_runs_the_purge_every_night(db):
    task = PeriodicTask.objects.get(task="labportal.core.tasks.purge_email_content")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "15")


@pytest.mark.django_db(transaction=True)
def test_heartbeat_from_the_worker_makes_healthz_green(celery_worker, client):
    assert client.get(reverse("healthz")).status_code == 503
    tasks.record_heartbeat.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="worker").exists())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "ok"
