"""The checks behind /healthz: database, Redis and a recent worker heartbeat."""

from __future__ import annotations

from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from labportal.core.models import WorkerHeartbeat


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def check_redis() -> tuple[bool, str]:
    if settings.TASKS_IN_PROCESS:
        return True, "not used (tasks run in-process)"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, "ok"


def check_worker() -> tuple[bool, str]:
    if settings.TASKS_IN_PROCESS:
        return True, "not used (tasks run in-process)"
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception as exc:
        return False, exc.__class__.__name__
    if beat is None:
        return False, "no heartbeat yet"
    age = timezone.now() - beat.beat_at
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS):
        return False, f"last heartbeat {int(age.total_seconds())} s ago"
    return True, f"last heartbeat {int(age.total_seconds())} s ago"


def health_report() -> tuple[bool, dict[str, dict[str, object]]]:
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    report = {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
    return all(ok for ok, _ in checks.values()), report
