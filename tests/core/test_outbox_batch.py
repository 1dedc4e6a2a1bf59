"""Outbox emails queued in bulk and sent in batches (a fan-out such as the Monday
reminders): each row sent at most once per claim over one connection, rows already
claimed or sent skipped, one refused address leaving the rest of the batch alone, a
server that is down stopping the batch. Against a real local SMTP server, and through
a real Celery worker on Redis."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from labportal.core import outbox, outbox_batch, tasks
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.conftest import wait_for
from tests.core.factories import OutboxEmailFactory
from tests.core.smtp import (
    ConnectionNotingHandler,
    RecordingHandler,
    free_port,
    smtp_server,
    use_smtp,
)


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


def prepared(count: int, prefix: str = "fan-out") -> list[outbox_batch.PreparedEmail]:
    return [
        outbox_batch.PreparedEmail(
            key=f"{prefix}:{n}", to=f"person{n}@example.se", subject="Hej", body_text=f"Hej {n}"
        )
        for n in range(count)
    ]


def keys_received(handler: RecordingHandler) -> list[str]:
    return [message["X-LabPortal-Event"] for message in handler.received]


def test_queueing_in_bulk_writes_each_key_once_and_a_rerun_queues_nothing(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first:
        assert outbox_batch.queue_prepared_emails(prepared(25)) == 25
    with django_capture_on_commit_callbacks() as again:
        # the same run again, and one that adds a newcomer
        assert outbox_batch.queue_prepared_emails(prepared(25)) == 0
        assert outbox_batch.queue_prepared_emails(prepared(26)[-1:]) == 1

    assert OutboxEmail.objects.count() == 26
    row = OutboxEmail.objects.get(key="fan-out:3")
    assert (row.to, row.subject, row.body_text, row.status) == (
        "person3@example.se",
        "Hej",
        "Hej 3",
        OutboxStatus.PENDING,
    )
    # the sends are queued for the new rows only, after the commit
    assert [callback.args for callback in first] == [
        (sorted(OutboxEmail.objects.exclude(key="fan-out:25").values_list("pk", flat=True)),)
    ]
    assert [callback.args for callback in again] == [
        ([],),
        ([OutboxEmail.objects.get(key="fan-out:25").pk],),
    ]


def test_a_batch_sends_each_row_once_over_one_connection(db, server):
    outbox_batch.queue_prepared_emails(prepared(25))
    ids = sorted(OutboxEmail.objects.values_list("pk", flat=True))

    delivery = outbox_batch.deliver_outbox_batch(ids)
    # a second delivery of the same batch (a duplicate task) sends nothing
    again = outbox_batch.deliver_outbox_batch(ids)

    assert (dict(delivery.counts), delivery.retry_ids) == ({"sent": 25}, [])
    assert (dict(again.counts), again.retry_ids) == ({"skipped": 25}, [])
    assert sorted(keys_received(server)) == sorted(f"fan-out:{n}" for n in range(25))
    assert len(set(server.peers)) == 1
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


def test_a_batch_skips_rows_claimed_sent_failed_or_not_yet_due(db, server):
    now = timezone.now()
    sending = OutboxEmailFactory(status=OutboxStatus.SENDING, claimed_at=now, attempts=1)
    sent = OutboxEmailFactory(status=OutboxStatus.SENT, sent_at=now, attempts=1)
    failed = OutboxEmailFactory(status=OutboxStatus.FAILED, attempts=8)
    later = OutboxEmailFactory(next_attempt_at=now + timedelta(minutes=5), attempts=1)
    due = [OutboxEmailFactory(), OutboxEmailFactory(next_attempt_at=now, attempts=1)]

    delivery = outbox_batch.deliver_outbox_batch(
        [e.pk for e in (sending, sent, failed, later, *due)]
    )

    assert dict(delivery.counts) == {"skipped": 4, "sent": 2}
    assert sorted(keys_received(server)) == sorted(e.key for e in due)
    for email, status in [
        (sending, OutboxStatus.SENDING),
        (sent, OutboxStatus.SENT),
        (failed, OutboxStatus.FAILED),
        (later, OutboxStatus.PENDING),
    ]:
        email.refresh_from_db()
        assert (email.status, email.attempts) == (status, 1 if email != failed else 8)


def test_a_refused_address_does_not_stop_the_rest_of_the_batch(db, server):
    emails = [OutboxEmailFactory() for _ in range(6)]
    server.refused = {
        emails[1].to: "550 5.1.1 No such user",
        emails[3].to: "450 4.2.1 Mailbox busy, try again later",
    }

    delivery = outbox_batch.deliver_outbox_batch([e.pk for e in emails])

    assert dict(delivery.counts) == {"sent": 4, "failed": 1, "retry": 1}
    # the greylisted one waits for its own backoff (the flush or a later batch)
    assert delivery.retry_ids == []
    statuses = dict(OutboxEmail.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in emails] == [
        OutboxStatus.SENT,
        OutboxStatus.FAILED,
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
        OutboxStatus.SENT,
        OutboxStatus.SENT,
    ]
    assert keys_received(server) == [emails[n].key for n in (0, 2, 4, 5)]
    assert "550" in OutboxEmail.objects.get(pk=emails[1].pk).last_error
    assert OutboxEmail.objects.get(pk=emails[3].pk).next_attempt_at > timezone.now()


def test_a_server_that_is_down_stops_the_batch_and_gives_the_rest_back(db, settings):
    use_smtp(settings, free_port())  # nothing listens there
    emails = [OutboxEmailFactory() for _ in range(outbox_batch.CLAIM_SIZE + 5)]

    delivery = outbox_batch.deliver_outbox_batch([e.pk for e in emails])

    # one attempt made and counted; everything pending again, due at one time
    assert dict(delivery.counts) == {"retry": 1}
    assert delivery.retry_ids == [e.pk for e in emails]
    assert delivery.retry_in == settings.OUTBOX_RETRY_BASE_SECONDS
    rows = list(OutboxEmail.objects.order_by("pk"))
    assert {row.status for row in rows} == {OutboxStatus.PENDING}
    assert [row.attempts for row in rows] == [1] + [0] * (len(rows) - 1)
    assert len({row.next_attempt_at for row in rows[: outbox_batch.CLAIM_SIZE]}) == 1
    assert all(row.claimed_at is None for row in rows)


@pytest.mark.django_db(transaction=True)
def test_batches_through_a_real_worker_send_each_row_once(celery_worker, server, monkeypatch):
    monkeypatch.setattr(outbox_batch, "BATCH_SIZE", 10)

    # given: 35 emails queued in bulk: four send tasks once the transaction commits
    with transaction.atomic():
        assert outbox_batch.queue_prepared_emails(prepared(35)) == 35
    # ... and every batch delivered a second time (a task redelivered to a worker)
    ids = sorted(OutboxEmail.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 10):
        tasks.send_outbox_batch.delay(ids[start : start + 10])

    assert wait_for(lambda: OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 35, 30)
    assert wait_for(lambda: len(server.received) >= 35)
    # let any stray second send arrive
    assert not wait_for(lambda: len(server.received) > 35, 2)
    assert sorted(keys_received(server)) == sorted(f"fan-out:{n}" for n in range(35))
