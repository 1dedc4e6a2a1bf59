"""The outbox service: queueing, secrets kept apart, delivery outcomes, leases, purge."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone

from labportal.core import outbox, outbox_upkeep
from labportal.core.models import AuditEntry, OutboxEmail, OutboxStatus
from tests.core.factories import OutboxEmailFactory
from tests.core.smtp import RecordingHandler, smtp_server, text_of, use_smtp

LINK = "https://labportal.example.se/accounts/invitations/accept/s3cret-Token_0123456789/"


def queue(key="event:1", **extra):
    return outbox.queue_email(
        key=key,
        to="a@example.se",
        template="invitation",
        context={"invitation": None, "inviter": "Ada", "valid_days": 7},
        secrets={"url": LINK},
        language="sv",
        **extra,
    )


@pytest.fixture
def smtp(settings):
    with smtp_server() as (port, handler):
        use_smtp(settings, port)
        yield handler


@pytest.fixture
def refusing_smtp(settings):
    """A server whose answers to RCPT the test sets in `handler.rcpt_replies`."""
    handler = RecordingHandler()
    with smtp_server(handler) as (port, _):
        use_smtp(settings, port)
        yield handler


def test_queue_email_is_idempotent_per_event_key(db):
    first = queue()
    second = queue()
    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1


def test_queue_email_stores_a_placeholder_and_keeps_the_secret_apart(db):
    email = queue()
    email.refresh_from_db()
    assert LINK not in email.body_text
    assert outbox.secret_placeholder("url") in email.body_text
    assert email.secret_values == {"url": LINK}


def test_deliver_puts_the_secret_in_and_forgets_it_when_sent(db):
    email = queue()
    assert outbox.deliver_outbox_email(email.pk).outcome == "sent"
    assert LINK in mail.outbox[0].body
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT
    assert email.secret_values == {}
    assert LINK not in email.body_text


def test_deliver_escapes_the_secret_in_the_html_body(db):
    # given: a rendered message with a link that HTML must escape
    link = "https://labportal.example.se/reset/?key=abc&user=7"
    message = EmailMultiAlternatives(
        "Återställ", f"Länk: {outbox.secret_placeholder('url')}", to=["b@example.se"]
    )
    message.attach_alternative(f'<a href="{outbox.secret_placeholder("url")}">x</a>', "text/html")
    email = outbox.queue_rendered_email(key="reset:1", message=message, secrets={"url": link})

    # when
    outbox.deliver_outbox_email(email.pk)

    # then
    sent = mail.outbox[0]
    assert sent.body == f"Länk: {link}"
    assert (
        sent.alternatives[0][0]
        == '<a href="https://labportal.example.se/reset/?key=abc&amp;user=7">x</a>'
    )


def test_queueing_refuses_a_text_that_shows_the_secret_itself(db):
    message = EmailMultiAlternatives("Hej", f"Länk: {LINK}", to=["b@example.se"])
    with pytest.raises(ValueError, match="would store the secret"):
        outbox.queue_rendered_email(key="leak:1", message=message, secrets={"url": LINK})
    assert not OutboxEmail.objects.exists()


def test_deliver_sends_at_most_once(db):
    email = OutboxEmailFactory()
    assert outbox.deliver_outbox_email(email.pk).outcome == "sent"
    assert outbox.deliver_outbox_email(email.pk).outcome == "skipped"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT
    assert email.sent_at is not None
    assert mail.outbox[0].extra_headers["X-LabPortal-Event"] == email.key


def test_unreachable_server_is_retried_later_with_backoff(db, settings):
    # given: nothing listens on port 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    email = OutboxEmailFactory()

    # when
    delivery = outbox.deliver_outbox_email(email.pk)

    # then: back to pending, due in a minute, and not sent again before that
    assert delivery.outcome == "retry"
    assert delivery.retry_in == 60
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert timedelta(seconds=55) < email.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    assert outbox.deliver_outbox_email(email.pk).outcome == "skipped"
    assert email.pk not in outbox_upkeep.pending_outbox_ids()


def test_retry_delay_doubles_and_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    delays = [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 6, 7, 30000)]
    assert delays == [60, 120, 240, 480, 960, 1800, 1800, 1800]


def test_permanent_refusal_marks_the_email_failed_at_once(db, refusing_smtp):
    refusing_smtp.rcpt_replies.append("550 5.1.1 No such user here")
    email = OutboxEmailFactory()
    assert outbox.deliver_outbox_email(email.pk).outcome == "failed"
    email.refresh_from_db()
    assert email.status == OutboxStatus.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
    assert refusing_smtp.received == []


def test_temporary_refusal_is_retried_and_then_delivered(db, refusing_smtp, settings):
    # given: the server asks us to come back later, once
    refusing_smtp.rcpt_replies.append("451 4.7.1 Greylisted, try again later")
    email = OutboxEmailFactory(to="grey@example.se")
    assert outbox.deliver_outbox_email(email.pk).outcome == "retry"

    # when: the next attempt is due
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_outbox_email(email.pk).outcome == "sent"

    # then
    assert [message["To"] for message in refusing_smtp.received] == ["grey@example.se"]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboxStatus.SENT, 2, "")


def test_the_last_attempt_fails_for_good(db, refusing_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    refusing_smtp.rcpt_replies.append("421 4.3.2 Service not available")
    email = OutboxEmailFactory(attempts=2)
    assert outbox.deliver_outbox_email(email.pk).outcome == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, 3)


def test_permanent_and_temporary_errors_are_told_apart():
    import smtplib

    assert outbox.is_permanent_error(smtplib.SMTPRecipientsRefused({"a@x.se": (550, b"no")}))
    assert not outbox.is_permanent_error(smtplib.SMTPRecipientsRefused({"a@x.se": (450, b"")}))
    assert outbox.is_permanent_error(smtplib.SMTPSenderRefused(553, b"no", "f@x.se"))
    assert outbox.is_permanent_error(smtplib.SMTPDataError(554, b"spam"))
    assert not outbox.is_permanent_error(smtplib.SMTPDataError(452, b"full"))
    assert not outbox.is_permanent_error(smtplib.SMTPServerDisconnected("gone"))
    assert not outbox.is_permanent_error(TimeoutError())
    # a wrong password is our configuration, not this email: retried
    assert not outbox.is_permanent_error(smtplib.SMTPAuthenticationError(535, b"bad"))


def test_attempt_counter_stops_at_its_cap(db, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 100_000
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    email = OutboxEmailFactory(attempts=outbox.ATTEMPTS_CAP)
    assert outbox.deliver_outbox_email(email.pk).outcome == "retry"
    email.refresh_from_db()
    assert email.attempts == outbox.ATTEMPTS_CAP


def test_expired_lease_is_marked_interrupted_never_resent_and_a_live_one_is_left(
    db, settings, admin
):
    settings.OUTBOX_SENDING_LEASE_SECONDS = 600
    long_ago = timezone.now() - timedelta(seconds=601)
    dead = OutboxEmailFactory(status=OutboxStatus.SENDING, claimed_at=long_ago, attempts=1)
    unstamped = OutboxEmailFactory(status=OutboxStatus.SENDING, claimed_at=None, attempts=1)
    live = OutboxEmailFactory(status=OutboxStatus.SENDING, claimed_at=timezone.now(), attempts=1)

    assert outbox_upkeep.release_expired_leases() == 2

    # the dead worker may have sent them: failed for an admin to check, not sent again
    rows = {row.pk: row for row in OutboxEmail.objects.all()}
    assert {pk: row.status for pk, row in rows.items()} == {
        dead.pk: OutboxStatus.FAILED,
        unstamped.pk: OutboxStatus.FAILED,
        live.pk: OutboxStatus.SENDING,
    }
    assert rows[dead.pk].last_error == outbox.INTERRUPTED
    assert outbox_upkeep.pending_outbox_ids() == []
    assert outbox.deliver_outbox_email(dead.pk).outcome == "skipped"
    assert outbox_upkeep.release_expired_leases() == 0
    # ... until an administrator sends it again
    outbox_upkeep.send_again(actor=admin, emails=OutboxEmail.objects.filter(pk=dead.pk))
    assert outbox.deliver_outbox_email(dead.pk).outcome == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_slow_send_that_outlived_its_lease_still_marks_the_email_sent(settings):
    # given: a mail server slow to answer, and a lease shorter than that
    handler = RecordingHandler(rcpt_delays=[1.5])
    email = OutboxEmailFactory()
    with smtp_server(handler) as (port, _):
        use_smtp(settings, port)
        settings.OUTBOX_SENDING_LEASE_SECONDS = 0
        outcome = []

        def deliver():
            try:
                outcome.append(outbox.deliver_outbox_email(email.pk).outcome)
            finally:
                connection.close()

        sender = threading.Thread(target=deliver)
        sender.start()
        assert handler.rcpt_seen.wait(10)
        # when: the flush finds the lease expired while the send is still going on
        assert outbox_upkeep.release_expired_leases() == 1
        assert OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.FAILED
        sender.join(10)

    # then: the send ended well and corrected the mark: no "Send again" needed
    assert outcome == ["sent"]
    email.refresh_from_db()
    assert (email.status, email.last_error, len(handler.received)) == (OutboxStatus.SENT, "", 1)


def test_purge_blanks_old_sent_and_failed_emails_only(db, settings):
    settings.OUTBOX_BODY_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    old_sent = OutboxEmailFactory(status=OutboxStatus.SENT, sent_at=old)
    old_failed = OutboxEmailFactory(status=OutboxStatus.FAILED, secret_values={"url": LINK})
    OutboxEmail.objects.filter(pk=old_failed.pk).update(created_at=old)
    recent = OutboxEmailFactory(status=OutboxStatus.SENT, sent_at=timezone.now())
    waiting = OutboxEmailFactory(secret_values={"url": LINK})
    OutboxEmail.objects.filter(pk=waiting.pk).update(created_at=old)

    assert outbox_upkeep.purge_old_email_content() == 2
    assert outbox_upkeep.purge_old_email_content() == 0

    for email in (old_sent, old_failed):
        email.refresh_from_db()
        assert (email.body_text, email.body_html, email.secret_values) == ("", "", {})
        assert email.purged_at is not None
    for email in (recent, waiting):
        email.refresh_from_db()
        assert email.body_text == "Hej hej"
        assert email.purged_at is None


def test_send_again_requeues_failed_emails_with_an_audit_row(
    admin, lab_lead, django_capture_on_commit_callbacks
):
    failed = OutboxEmailFactory(status=OutboxStatus.FAILED, attempts=8, last_error="550 no")
    purged = OutboxEmailFactory(status=OutboxStatus.FAILED, purged_at=timezone.now())
    sent = OutboxEmailFactory(status=OutboxStatus.SENT)
    everything = OutboxEmail.objects.all()

    with pytest.raises(PermissionDenied):
        outbox_upkeep.send_again(actor=lab_lead, emails=everything)
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox_upkeep.send_again(actor=admin, emails=everything) == 1

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 0)
    assert OutboxEmail.objects.get(pk=purged.pk).status == OutboxStatus.FAILED
    assert OutboxEmail.objects.get(pk=sent.pk).status == OutboxStatus.SENT
    audit = AuditEntry.objects.get(action="outbox.sent_again")
    assert (audit.actor, audit.object_id) == (admin, str(failed.pk))
    assert len(callbacks) == 1


def test_email_not_queued_when_the_event_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                queue("event:rolled-back")
                raise RuntimeError
        except RuntimeError:
            pass
    assert not OutboxEmail.objects.filter(key="event:rolled-back").exists()
    assert callbacks == []


def test_a_real_smtp_server_receives_the_link(db, smtp):
    email = queue()
    outbox.deliver_outbox_email(email.pk)
    assert LINK in text_of(smtp.received[0])
