"""A batch of outbox emails that outlives its task's soft time limit (a server slow to
answer): the email in flight is marked interrupted, never retried by itself (the
server may have it), and the rest of the batch is sent by the task's retry, each once.

A real prefork worker (time limits need it) with a soft limit of a few seconds, and
a local SMTP server that is slow to answer the end of DATA of the second message."""

from __future__ import annotations

from collections import Counter

import pytest

from labportal.core import outbox, tasks
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.core.factories import OutboxEmailFactory
from tests.core.smtp import smtp_server
from tests.faults.test_worker_kill import SlowAcceptHandler, start_worker

pytestmark = pytest.mark.faults

SOFT_LIMIT = 2
EMAILS = 5


@pytest.fixture
def smtp():
    # The second message is accepted only after the soft time limit has struck.
    handler = SlowAcceptHandler(accept_delays=[0.0, SOFT_LIMIT + 3.0])
    with smtp_server(handler) as (port, handler):
        yield port, handler


def test_a_batch_past_its_soft_time_limit_sends_each_email_at_most_once(stack, smtp):
    _port, handler = smtp
    # given: a worker and one batch of five emails, sent with a short soft time limit
    # (the limits travel in the task's message, from the sender's settings)
    worker, _since = start_worker(stack, "w0")
    ids = [OutboxEmailFactory(key=f"slow:{n}").pk for n in range(EMAILS)]
    tasks.send_outbox_batch.apply_async(
        [ids], soft_time_limit=SOFT_LIMIT, time_limit=SOFT_LIMIT + 20
    )

    # when: the soft time limit strikes while the server holds the second one
    stack.wait(
        lambda: (
            not OutboxEmail.objects.filter(
                status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
            ).exists()
        ),
        60,
        "every email to be sent or marked interrupted",
    )
    stack.wait(lambda: len(handler.received) >= EMAILS, 20, "the server to have all five")
    worker.stop()

    # then: the second is marked interrupted (it did arrive), the others were sent,
    # and each arrived once
    statuses = dict(OutboxEmail.objects.values_list("key", "status"))
    assert statuses == {
        f"slow:{n}": OutboxStatus.FAILED if n == 1 else OutboxStatus.SENT for n in range(EMAILS)
    }
    assert OutboxEmail.objects.get(key="slow:1").last_error == outbox.INTERRUPTED
    arrived = Counter(message["X-LabPortal-Event"] for message in handler.received)
    assert arrived == Counter({f"slow:{n}": 1 for n in range(EMAILS)})
