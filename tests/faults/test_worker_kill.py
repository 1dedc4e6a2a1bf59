"""Workers killed again and again while they send: no email ever arrives twice.

40 invitations are queued while a real worker (prefork, as in production) sends
them to a slow local SMTP server; its process group is SIGKILLed 20 times, a new
worker starting each time, while the test plays beat and runs the flush now and
then. The first kill falls exactly in the window that used to send twice: the
server has the message, the row is not yet marked sent (the server is slow to
answer the end of DATA). The other 19 fall at random (seeded) moments. The broker's
visibility timeout and the outbox's sending lease are short, so unacknowledged
tasks come back and dead leases expire within the test.

At the end each email was either sent (and arrived exactly once), or its worker
died while sending and it is marked failed as interrupted, for an administrator to
check (it arrived at most once: once if the kill fell between the server's
acceptance and the row's update). The server never saw an event twice.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from labportal.accounts import services as account_services
from labportal.core import outbox, outbox_batch, tasks
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.accounts.factories import UserFactory
from tests.core.smtp import RecordingHandler, smtp_server

pytestmark = pytest.mark.faults

SEED = int(os.environ.get("FAULTS_SEED", "20250611"))
EMAILS = 40
KILLS = 20
LEASE_SECONDS = 4
VISIBILITY_TIMEOUT = 4
# Each send waits this long for the server's answer to RCPT, so that kills land
# in the middle of sends as well as between them.
RCPT_DELAY = 0.25


@dataclass
class SlowAcceptHandler(RecordingHandler):
    """Keeps each message it is given, then waits `accept_delays` (one per message)
    before answering "250": the message has arrived, and the sender is stuck before
    it can mark the row sent (whether it quits after each message or keeps its
    connection open for the next)."""

    accept_delays: list[float] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.accept_delays:
            await asyncio.sleep(self.accept_delays.pop(0))
        return answer


@pytest.fixture
def smtp():
    handler = SlowAcceptHandler(rcpt_delays=[RCPT_DELAY] * (EMAILS * 3), accept_delays=[5.0])
    with smtp_server(handler) as (port, handler):
        yield port, handler


def test_killed_workers_never_send_an_email_twice(stack, smtp):
    started = time.monotonic()
    _port, handler = smtp
    short_lease_and_visibility(stack)
    rng = random.Random(SEED)
    admin = UserFactory(role="admin")

    # given: a worker, and 40 events that each queue an email (one transaction each)
    worker, since = start_worker(stack, "w0")
    keys = []
    for number in range(EMAILS):
        with transaction.atomic():
            invitation, _token = account_services.invite_user(
                actor=admin, email=f"kill{number}@example.se", role="trainee"
            )
        keys.append(f"invitation:{invitation.pk}")

    # when: the worker is killed once the server has the first email, before its "250",
    # and 19 times more at random moments; then beat's flush settles every email
    window_key, kills = kill_again_and_again(stack, handler, worker, since, rng)

    # then: no event reached the server twice, ... (see `check_each_arrived_at_most_once`)
    sent, interrupted = check_each_arrived_at_most_once(handler, keys, window_key)
    # ... a kill interrupts at most the one send in flight (concurrency 1)
    assert kills[0] == 1
    assert len(interrupted) <= KILLS
    assert len(sent) >= EMAILS - KILLS
    report("worker kill", stack, handler, kills, sent, interrupted, started)


def test_killed_workers_never_send_an_email_of_a_batch_twice(stack, smtp, monkeypatch):
    """The same for emails queued in bulk and sent in batches (the Monday reminders):
    a kill interrupts at most the rows claimed together, the rest of its batch is sent
    by the redelivered task or the flush."""
    started = time.monotonic()
    _port, handler = smtp
    short_lease_and_visibility(stack)
    rng = random.Random(SEED)
    monkeypatch.setattr(outbox_batch, "BATCH_SIZE", 10)

    # given: a worker, and 40 emails queued in one transaction: four batches
    worker, since = start_worker(stack, "w0")
    emails = [
        outbox_batch.PreparedEmail(
            key=f"batch:{n}", to=f"kill{n}@example.se", subject="Hej", body_text="Hej"
        )
        for n in range(EMAILS)
    ]
    with transaction.atomic():
        assert outbox_batch.queue_prepared_emails(emails) == EMAILS
    keys = [email.key for email in emails]

    # when: killed in the window, then 19 times at random, then the flush settles all
    window_key, kills = kill_again_and_again(stack, handler, worker, since, rng)

    # then
    sent, interrupted = check_each_arrived_at_most_once(handler, keys, window_key)
    assert 1 <= kills[0] <= outbox_batch.CLAIM_SIZE
    assert all(count <= outbox_batch.CLAIM_SIZE for count in kills)
    assert len(interrupted) <= sum(kills)
    report("worker kill, batches", stack, handler, kills, sent, interrupted, started)


def short_lease_and_visibility(stack) -> None:
    stack.extra_env.update(
        OUTBOX_SENDING_LEASE_SECONDS=str(LEASE_SECONDS),
        CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )


def kill_again_and_again(stack, handler, worker, since, rng) -> tuple[str, list[int]]:
    """Kill the worker once the server has the first email (before its "250"), then
    KILLS - 1 times at random moments, a new worker starting each time, playing beat's
    flush now and then; then run the flush until every email has an outcome. Returns
    the key of the email of the first kill and how many sends each kill interrupted."""
    stack.wait(lambda: handler.received, 30, "the first email to be accepted")
    window_key = handler.received[0]["X-LabPortal-Event"]
    worker.kill()
    kills = [in_flight(since)]
    worker, since = start_worker(stack, "w1")

    for number in range(2, KILLS + 1):
        time.sleep(rng.uniform(0.05, 1.2))
        worker.kill()
        kills.append(in_flight(since))
        worker, since = start_worker(stack, f"w{number}")
        if number % 4 == 0:
            tasks.flush_outbox.delay()  # as beat does every few minutes

    def settled() -> bool:
        tasks.flush_outbox.delay()
        time.sleep(1)
        return not OutboxEmail.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
        ).exists()

    stack.wait(settled, 60, "every email to be sent or marked interrupted")
    worker.stop()
    return window_key, kills


def check_each_arrived_at_most_once(
    handler, keys: list[str], window_key: str
) -> tuple[list[str], list[str]]:
    """No event reached the server twice; every email sent arrived once, every other
    one is marked interrupted; the email of the first kill arrived once and waits for
    an administrator. Returns the keys sent and the keys interrupted."""
    arrived = Counter(message["X-LabPortal-Event"] for message in handler.received)
    assert set(arrived) <= set(keys)
    twice = {key: count for key, count in arrived.items() if count > 1}
    assert not twice, f"emails that arrived more than once: {twice}"
    rows = {row.key: row for row in OutboxEmail.objects.filter(key__in=keys)}
    assert set(rows) == set(keys)
    sent = [key for key, row in rows.items() if row.status == OutboxStatus.SENT]
    interrupted = [key for key, row in rows.items() if row.status != OutboxStatus.SENT]
    assert all(arrived[key] == 1 for key in sent)
    assert all(
        (rows[key].status, rows[key].last_error) == (OutboxStatus.FAILED, outbox.INTERRUPTED)
        for key in interrupted
    )
    assert arrived[window_key] == 1
    assert window_key in interrupted
    return sent, interrupted


def report(name, stack, handler, kills, sent, interrupted, started) -> None:
    arrived = Counter(message["X-LabPortal-Event"] for message in handler.received)
    arrived_but_flagged = [key for key in interrupted if arrived[key]]
    received_twice = redelivered_tasks(stack.worker_log.read_text())
    print(
        f"\n{name}: seed {SEED}, {KILLS} kills ({sum(1 for k in kills if k)} during a send, "
        f"{sum(kills)} sends interrupted), {len(sent)} sent, {len(interrupted)} interrupted "
        f"({len(arrived_but_flagged)} of them had arrived), "
        f"{received_twice} tasks delivered to more than one worker, "
        f"{time.monotonic() - started:.0f} s"
    )


def start_worker(stack, name: str):
    """A new worker, once it consumes; and when it was started."""
    since = timezone.now()
    worker = stack.worker(name)
    stack.wait(lambda: worker_ready(stack, name), 30, f"worker {name} to start")
    return worker, since


def in_flight(since) -> int:
    """Emails the worker started at `since` was sending (claimed, not yet marked)."""
    return OutboxEmail.objects.filter(status=OutboxStatus.SENDING, claimed_at__gte=since).count()


def worker_ready(stack, name: str) -> bool:
    return any(
        f"{name}@" in line and line.rstrip().endswith("ready.")
        for line in stack.worker_log.read_text().splitlines()
    )


def redelivered_tasks(log: str) -> int:
    """Tasks received by a worker more than once (a killed worker's unacknowledged
    task given to another after the visibility timeout)."""
    received = Counter(
        re.findall(
            r"Task labportal\.core\.tasks\.send_outbox_(?:email|batch)\[([0-9a-f-]+)\] received",
            log,
        )
    )
    return sum(1 for count in received.values() if count > 1)
