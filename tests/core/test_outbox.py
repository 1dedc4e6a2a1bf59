import smtplib

import pytest
from django.core import mail

from labportal.core import services
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.core.factories import OutboxEmailFactory


def queue(key="event:1"):
    return services.queue_email(
        key=key,
        to="a@example.se",
        template="invitation",
        context={"invitation": None, "url": "http://x/", "inviter": "Ada", "valid_days": 7},
        language="sv",
    )


def test_queue_email_is_idempotent_per_event_key(db):
    first = queue()
    second = queue()
    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1


def test_deliver_sends_at_most_once(db):
    email = OutboxEmailFactory()
    assert services.deliver_outbox_email(email.pk) is True
    assert services.deliver_outbox_email(email.pk) is False
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT
    assert email.sent_at is not None
    assert mail.outbox[0].extra_headers["X-LabPortal-Event"] == email.key


def test_failed_send_returns_to_pending_for_retry(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = OutboxEmailFactory()
    with pytest.raises((OSError, smtplib.SMTPException)):
        services.deliver_outbox_email(email.pk)
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert email.attempts == 1
    assert email.last_error


def test_email_not_queued_when_the_event_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                queue("event:rolled-back")
                raise RuntimeError
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.filter(key="event:rolled-back").exists()
    assert callbacks == []
