"""PostgreSQL restarted under a running site: a short, friendly outage, then business
as usual without restarting anything of ours.

gunicorn (2 workers, persistent database connections with health checks) and a
Celery worker run on the private cluster, which is stopped (fast shutdown: every
open connection is cut), left down for about 5 seconds and started again.
"""

from __future__ import annotations

import time

import pytest
import requests
from django.db import connections

from labportal.core import tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from tests.accounts.factories import PASSWORD, DepartmentFactory, UserFactory
from tests.core.factories import OutboxEmailFactory
from tests.faults.stack import gunicorn_workers_booted, sign_in

pytestmark = pytest.mark.faults

DOWN_SECONDS = 5
ENGLISH = {"Accept-Language": "en"}


def test_database_restart_answers_503_meanwhile_and_recovers_by_itself(
    stack, smtp, private_postgres, _real_password_hashing
):
    started = time.monotonic()
    _port, handler = smtp
    person = UserFactory(role="department_staff", department=DepartmentFactory(), language="en")
    waiting = OutboxEmailFactory(key="restart:1", to="waiting@example.se")

    # given: the site, a worker with a heartbeat, and someone signed in
    base = stack.gunicorn()
    stack.worker("worker")
    tasks.record_heartbeat.delay()
    stack.wait(WorkerHeartbeat.objects.exists, 30, "the worker's heartbeat")
    browser = requests.Session()
    browser.headers.update(ENGLISH)
    assert sign_in(browser, base, person.email, PASSWORD).status_code == 302
    assert browser.get(f"{base}/", timeout=10).status_code == 200
    assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    booted = gunicorn_workers_booted(stack.web_log)

    # when: PostgreSQL stops
    connections.close_all()
    private_postgres.stop()
    down_at = time.monotonic()
    # ... and a send is queued while it is down (the worker takes it at once)
    tasks.send_outbox_email.delay(waiting.pk)

    # then: a signed-in page, a form sent and an anonymous page all get the 503 page
    for response in (
        browser.get(f"{base}/", timeout=10),
        sign_in_post(browser, base),
        requests.get(f"{base}/accounts/login/", headers=ENGLISH, timeout=10),
    ):
        assert response.status_code == 503, response.text[:300]
        assert response.headers["Retry-After"] == "60"
        assert response.headers["Content-Type"].startswith("text/html")
        assert "The service is briefly unavailable" in response.text
        assert "try again in a minute" in response.text
        assert '<html lang="en">' in response.text
        assert "Traceback" not in response.text
        assert "OperationalError" not in response.text
    # ... in the site's language to someone whose browser asks for it
    swedish = requests.get(f"{base}/", headers={"Accept-Language": "sv"}, timeout=10)
    assert (swedish.status_code, '<html lang="sv">' in swedish.text) == (503, True)
    # ... and /healthz says which part failed
    health = requests.get(f"{base}/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["checks"]["database"] == "failed"
    assert health.json()["details"]["database"] == "OperationalError"
    # ... while the worker waits to try the send again
    stack.wait(lambda: "Retry in" in stack.worker_log.read_text(), 20, "the send to be retried")

    # when: PostgreSQL is back
    time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down_at)))
    private_postgres.start()
    print(f"\ndatabase down for {time.monotonic() - down_at:.1f} s")

    # then: the same processes serve again, the same session still signed in
    stack.wait(lambda: browser.get(f"{base}/", timeout=10).status_code == 200, 15, "the home page")
    health = requests.get(f"{base}/healthz", timeout=10)
    assert (health.status_code, health.json()["checks"]["database"]) == (200, "ok")
    assert all(process.alive() for process in stack.processes)
    assert gunicorn_workers_booted(stack.web_log) == booted
    # ... and the send queued during the outage was retried by the worker and went out once
    connections.close_all()
    stack.wait(
        lambda: OutboxEmail.objects.get(pk=waiting.pk).status == OutboxStatus.SENT,
        45,
        "the waiting email to be sent",
    )
    assert [message["To"] for message in handler.received] == ["waiting@example.se"]
    print(f"database restart: {time.monotonic() - started:.0f} s")


def sign_in_post(browser: requests.Session, base: str) -> requests.Response:
    """A form sent during the outage (the CSRF cookie is from before it)."""
    return browser.post(
        f"{base}/accounts/login/",
        data={
            "login": "someone@example.se",
            "password": "whatever-it-is",
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
