import logging
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from labportal.core import health
from labportal.core.models import OutboxStatus
from tests.core.factories import OutboxEmailFactory, WorkerHeartbeatFactory

# The test client's default address is 127.0.0.1, i.e. this host: the public
# answer is what a request from anywhere else gets.
REMOTE = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _fresh_check_states(monkeypatch):
    # Each test starts as a freshly started web process would.
    monkeypatch.setattr(health, "_last_states", {})


def test_healthz_names_the_failing_check_when_no_worker_ever_ran(client, db):
    response = client.get(reverse("healthz"), **REMOTE)
    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "checks": {"database": "ok", "redis": "ok", "worker": "failed", "email": "ok"},
    }


def test_healthz_shows_details_only_to_this_host_without_a_proxy(client, db):
    WorkerHeartbeatFactory(beat_at=timezone.now() - timedelta(seconds=5))
    local = client.get(reverse("healthz")).json()
    assert local["details"]["worker"].startswith("last heartbeat ")
    assert local["details"]["email"] == "no failed emails"
    # a reverse proxy on this host connects from 127.0.0.1 too, for someone else
    proxied = client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.9").json()
    assert "details" not in proxied
    assert "details" not in client.get(reverse("healthz"), **REMOTE).json()


def test_healthz_shows_details_to_the_monitoring_token(client, db, settings):
    settings.HEALTHZ_TOKEN = "monitoring-token-0123456789"
    WorkerHeartbeatFactory()
    right = client.get(
        reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitoring-token-0123456789", **REMOTE
    )
    wrong = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer guess", **REMOTE)
    assert right.json()["details"]["database"] == "ok"
    assert "details" not in wrong.json()
    assert wrong.status_code == right.status_code == 200


def test_healthz_is_unhealthy_with_a_stale_heartbeat(client, db):
    WorkerHeartbeatFactory(beat_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["details"]["worker"] == "last heartbeat 3600 s ago"


def test_healthz_reports_an_unreachable_redis(client, db, settings):
    WorkerHeartbeatFactory()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failed"
    assert response.json()["details"]["redis"] == "ConnectionError"


def test_healthz_tells_of_a_recent_redis_restart(client, db, monkeypatch):
    WorkerHeartbeatFactory()
    # started "recently" by any measure: the detail tells how long ago, from Redis itself
    monkeypatch.setattr(health, "REDIS_RECENT_RESTART_SECONDS", 10**9)
    recent = client.get(reverse("healthz")).json()
    assert recent["checks"]["redis"] == "ok"
    assert re.fullmatch(r"restarted \d+ s ago", recent["details"]["redis"])
    # long since: plain "ok"
    monkeypatch.setattr(health, "REDIS_RECENT_RESTART_SECONDS", 0)
    assert client.get(reverse("healthz")).json()["details"]["redis"] == "ok"


def test_healthz_is_healthy_with_a_fresh_heartbeat(client, db):
    WorkerHeartbeatFactory()
    response = client.get(reverse("healthz"), **REMOTE)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_warns_of_failed_emails_but_stays_200(client, db):
    WorkerHeartbeatFactory()
    OutboxEmailFactory.create_batch(2, status=OutboxStatus.FAILED)
    # purged long ago: nothing left to send again, so no longer a warning
    OutboxEmailFactory(status=OutboxStatus.FAILED, purged_at=timezone.now())
    public = client.get(reverse("healthz"), **REMOTE)
    assert public.status_code == 200
    assert public.json()["status"] == "warning"
    assert public.json()["checks"]["email"] == "warning"
    assert client.get(reverse("healthz")).json()["details"]["email"] == "2 failed emails"


def test_healthz_logs_a_failing_check_once_per_change(client, db, caplog):
    # given: no worker has ever run
    with caplog.at_level(logging.INFO, logger="labportal.core.health"):
        for _ in range(3):
            assert client.get(reverse("healthz")).status_code == 503
        # when: the worker comes
        WorkerHeartbeatFactory()
        for _ in range(2):
            assert client.get(reverse("healthz")).status_code == 200

    # then: one warning when it failed, one line when it recovered, nothing per probe
    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        ("WARNING", "Health check worker is failed: no heartbeat yet"),
        ("INFO", "Health check worker is ok again (was failed)"),
    ]
    assert not [r for r in caplog.records if r.name == "django.request"]
