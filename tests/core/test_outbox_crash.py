"""A worker killed in the middle of sending: the email is never sent twice. It is
marked interrupted (the worker may have got it through), and arrives once when an
administrator sends it again.

Real processes throughout: Celery workers started as subprocesses on the test
database and this test run's Redis queue, a slow SMTP server (aiosmtpd) started
here, and SIGKILL while the worker waits for the server's answer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from labportal.accounts import services as account_services
from labportal.core import outbox, outbox_upkeep, tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from tests.conftest import TEST_QUEUE
from tests.core.smtp import RecordingHandler, smtp_server, text_of

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


def wait_for(condition: Callable[[], object], timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{log.read_text()}"
        time.sleep(0.1)


def database_url_for_workers() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process(name: str, smtp_port: int, log: Path) -> Iterator[subprocess.Popen]:
    """`celery -A labportal worker --pool=solo` on the test database and queue (through
    tests.core.worker_app, so that the tasks it sends stay on the test queue)."""
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url_for_workers(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "30",
        "OUTBOX_SENDING_LEASE_SECONDS": str(LEASE_SECONDS),
        "LABPORTAL_TEST_QUEUE": TEST_QUEUE,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.core.worker_app",
        "worker",
        "--pool=solo",
        f"--queues={TEST_QUEUE}",
        f"--hostname={name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    with log.open("a") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.django_db(transaction=True)
def test_email_of_a_killed_worker_is_not_resent_until_an_admin_sends_it_again(admin, tmp_path):
    log = tmp_path / "workers.log"
    # given: a mail server that keeps the first connection waiting at RCPT
    handler = RecordingHandler(rcpt_delays=[20.0])
    with smtp_server(handler) as (port, _):
        # ... and a worker that takes the invitation's email
        with worker_process("first", port, log) as first:
            invitation, token = account_services.invite_user(
                actor=admin, email="crash@example.se", role="trainee"
            )
            email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
            wait_for(handler.rcpt_seen.is_set, 25, "the first worker to reach the server", log)

            # when: the worker is killed in the middle of the send
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)

        # then: the row is left "sending", under the dead worker's lease
        email.refresh_from_db()
        assert (email.status, email.attempts) == (OutboxStatus.SENDING, 1)
        assert handler.received == []

        with worker_process("second", port, log):
            # when: a new worker runs the periodic flush after the lease has expired
            wait_for(
                lambda: (time.time() - email.claimed_at.timestamp()) > LEASE_SECONDS + 0.2,
                10,
                "the lease to expire",
                log,
            )
            tasks.flush_outbox.delay()
            # then: it is marked interrupted, not sent again (the dead worker may have sent it)
            wait_for(
                lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.FAILED,
                20,
                "the email to be marked interrupted",
                log,
            )
            # ... whatever stray duplicate of the send or further flush comes along
            tasks.send_outbox_email.delay(email.pk)
            tasks.flush_outbox.delay()
            tasks.record_heartbeat.delay()  # queued last: when it has run, so have they
            wait_for(WorkerHeartbeat.objects.exists, 20, "the heartbeat", log)
            email.refresh_from_db()
            assert (email.status, email.last_error) == (OutboxStatus.FAILED, outbox.INTERRUPTED)
            assert handler.received == []

            # when: an administrator, who found it never arrived, sends it again
            outbox_upkeep.send_again(actor=admin, emails=OutboxEmail.objects.filter(pk=email.pk))
            wait_for(
                lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT,
                20,
                "the email to be sent",
                log,
            )

    # then: the server accepted the email exactly once, with a working link
    assert [message["To"] for message in handler.received] == ["crash@example.se"]
    assert account_services.invitation_url(token) in text_of(handler.received[0])
    email.refresh_from_db()
    assert (email.status, email.attempts, email.secret_values) == (OutboxStatus.SENT, 1, {})
