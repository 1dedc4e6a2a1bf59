from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.core.factories import WorkerHeartbeatFactory


def test_healthz_names_the_failing_check_when_no_worker_ever_ran(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_healthz_is_unhealthy_with_a_stale_heartbeat(client, db):
    WorkerHeartbeatFactory(beat_at=timezone.now() - timedelta(hours=1))
    assert client.get(reverse("healthz")).status_code == 503


def test_healthz_reports_an_unreachable_redis(client, db, settings):
    WorkerHeartbeatFactory()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_healthz_is_healthy_with_a_fresh_heartbeat(client, db):
    WorkerHeartbeatFactory()
    assert client.get(reverse("healthz")).status_code == 200
