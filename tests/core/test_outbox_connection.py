"""Consecutive sends share one SMTP connection (a fan-out of reminders), and every
guarantee of the outbox holds per email on it: one send per claim, the secrets
emptied, a refusal recorded on its own row and the next email sent on a fresh
connection. Against a real local SMTP server that notes the connection of each
message."""

import pytest
from django.core import mail
from django.db import connection, connections

from labportal.core import outbox
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.core.factories import OutboxEmailFactory
from tests.core.smtp import ConnectionNotingHandler, RecordingHandler, smtp_server, use_smtp

LINK = "https://labportal.example.se/accounts/invitations/accept/s3cret-Token_0123456789/"


@pytest.fixture(autouse=True)
def _no_connection_left_open():
    outbox.close_connection()
    yield
    outbox.close_connection()


@pytest.fixture
def server(settings):
    handler = ConnectionNotingHandler()
    with smtp_server(handler) as (port, _):
        use_smtp(settings, port)
        yield handler


def test_consecutive_sends_share_one_connection_and_each_is_sent_once(db, server):
    emails = [OutboxEmailFactory(secret_values={"url": LINK}) for _ in range(3)]

    outcomes = [outbox.deliver_outbox_email(email.pk).outcome for email in emails]
    # a second delivery of the same rows (a duplicate task) sends nothing
    again = [outbox.deliver_outbox_email(email.pk).outcome for email in emails]

    assert outcomes == ["sent"] * 3
    assert again == ["skipped"] * 3
    assert [message["X-LabPortal-Event"] for message in server.received] == [
        email.key for email in emails
    ]
    assert len(set(server.peers)) == 1
    for email in emails:
        email.refresh_from_db()
        assert (email.status, email.secret_values) == (OutboxStatus.SENT, {})


def test_a_refusal_is_recorded_on_its_email_and_the_next_goes_over_a_new_connection(
    db, server, settings
):
    first, refused, greylisted, last = (OutboxEmailFactory() for _ in range(4))
    assert outbox.deliver_outbox_email(first.pk).outcome == "sent"

    # when: the server refuses the next two recipients, for good and for now
    server.rcpt_replies.extend(["550 5.1.1 No such user", "451 4.7.1 Try again later"])
    assert outbox.deliver_outbox_email(refused.pk).outcome == "failed"
    assert outbox.deliver_outbox_email(greylisted.pk).outcome == "retry"
    assert outbox.deliver_outbox_email(last.pk).outcome == "sent"

    # then: each refusal stays on its own row, and the email after it arrives once,
    # over a connection of its own (an error leaves no connection to reuse)
    statuses = dict(OutboxEmail.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: OutboxStatus.SENT,
        refused.pk: OutboxStatus.FAILED,
        greylisted.pk: OutboxStatus.PENDING,
        last.pk: OutboxStatus.SENT,
    }
    assert [message["X-LabPortal-Event"] for message in server.received] == [first.key, last.key]
    assert server.peers[0] != server.peers[1]


def test_an_idle_connection_is_not_reused(db, server, monkeypatch):
    monkeypatch.setattr(outbox, "REUSE_IDLE_SECONDS", 0.0)
    for email in (OutboxEmailFactory(), OutboxEmailFactory()):
        assert outbox.deliver_outbox_email(email.pk).outcome == "sent"
    assert len(set(server.peers)) == 2


def test_a_connection_carries_at_most_the_set_number_of_messages(db, server, monkeypatch):
    monkeypatch.setattr(outbox, "REUSE_MAX_MESSAGES", 2)
    for _ in range(5):
        assert outbox.deliver_outbox_email(OutboxEmailFactory().pk).outcome == "sent"
    assert len(server.received) == 5
    assert len(set(server.peers)) == 3


def test_changed_mail_settings_take_effect_at_the_next_send(db, server, settings):
    assert outbox.deliver_outbox_email(OutboxEmailFactory().pk).outcome == "sent"

    # when: the settings point to another server
    with smtp_server() as (other_port, other):
        use_smtp(settings, other_port)
        assert outbox.deliver_outbox_email(OutboxEmailFactory().pk).outcome == "sent"
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert outbox.deliver_outbox_email(OutboxEmailFactory().pk).outcome == "sent"

    # then: each email went where the settings said at its send
    assert (len(server.received), len(other.received), len(mail.outbox)) == (1, 1, 1)


def test_a_connection_the_server_dropped_is_retried_later_and_then_sent(db, settings):
    # given: an open connection to a server that then goes away
    with smtp_server() as (port, first_server):
        use_smtp(settings, port)
        assert outbox.deliver_outbox_email(OutboxEmailFactory().pk).outcome == "sent"
    email = OutboxEmailFactory()

    # when: the next send finds the connection closed (a temporary error: retried)
    assert outbox.deliver_outbox_email(email.pk).outcome == "retry"

    # then: the retry, on a new connection (to a new server), sends it
    with smtp_server(RecordingHandler()) as (new_port, second_server):
        use_smtp(settings, new_port)
        OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)
        assert outbox.deliver_outbox_email(email.pk).outcome == "sent"
    assert [m["X-LabPortal-Event"] for m in second_server.received] == [email.key]
    assert len(first_server.received) == 1


@pytest.mark.django_db(transaction=True)
def test_the_sent_mark_is_committed_and_leaves_the_sessions_settings_as_they_were(server):
    # given: a send outside any transaction, as a worker makes it
    email = OutboxEmailFactory(secret_values={"url": LINK})

    # when
    assert outbox.deliver_outbox_email(email.pk).outcome == "sent"

    # then: the mark is committed (another connection sees it), and only that one
    # commit skipped the wait for the disk: the session's own setting is unchanged
    other = connections["default"].copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT status, secret_values = '{}'::jsonb FROM core_outboxemail WHERE id = %s",
                [email.pk],
            )
            assert cursor.fetchone() == (OutboxStatus.SENT, True)
    finally:
        other.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    assert len(server.received) == 1
