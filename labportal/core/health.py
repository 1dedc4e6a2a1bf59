"""The checks behind /healthz: database, Redis, a recent worker heartbeat, and
emails that could not be sent.

Each check ends "ok", "warning" or "failed". Anyone may read those states; the
details (error classes, heartbeat age, how many emails failed) only a request
from this host itself or one with the HEALTHZ_TOKEN may read.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from labportal.core.models import WorkerHeartbeat
from labportal.core.outbox_upkeep import failed_email_count

logger = logging.getLogger(__name__)

OK, WARNING, FAILED = "ok", "warning", "failed"
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")
# Redis started less than this long ago is "restarted N s ago" in the details.
REDIS_RECENT_RESTART_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class CheckResult:
    state: str
    detail: str


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return CheckResult(FAILED, exc.__class__.__name__)
    return CheckResult(OK, "ok")


def check_redis() -> CheckResult:
    """Redis answers. A recent restart is told in the detail: Redis may come back
    without the tasks that waited in it (it keeps at most a periodic snapshot on
    disk); beat's sweeps queue the outbox and the exports again, and the detail
    tells when to look for a gap."""
    if settings.TASKS_IN_PROCESS:
        return CheckResult(OK, "not used (tasks run in-process)")
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
    except Exception as exc:
        return CheckResult(FAILED, exc.__class__.__name__)
    try:
        uptime = int(client.info("server")["uptime_in_seconds"])
    except Exception:
        return CheckResult(OK, "ok")  # a hosted Redis may refuse INFO
    if uptime < REDIS_RECENT_RESTART_SECONDS:
        return CheckResult(OK, f"restarted {uptime} s ago")
    return CheckResult(OK, "ok")


def check_worker() -> CheckResult:
    if settings.TASKS_IN_PROCESS:
        return CheckResult(OK, "not used (tasks run in-process)")
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception as exc:
        return CheckResult(FAILED, exc.__class__.__name__)
    if beat is None:
        return CheckResult(FAILED, "no heartbeat yet")
    age = timezone.now() - beat.beat_at
    detail = f"last heartbeat {int(age.total_seconds())} s ago"
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS):
        return CheckResult(FAILED, detail)
    return CheckResult(OK, detail)


def check_email() -> CheckResult:
    """Failed emails need an administrator (admin: outgoing emails, "Send again"), but
    the site itself works: a warning, not a failure."""
    try:
        failed = failed_email_count()
    except Exception as exc:
        return CheckResult(FAILED, exc.__class__.__name__)
    if failed:
        return CheckResult(WARNING, f"{failed} failed emails")
    return CheckResult(OK, "no failed emails")


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker,
    "email": check_email,
}

# The last state of each check, per process, so a change is logged once rather than
# at every probe. Not in the cache: Redis is one of the things checked, and the log
# line must not go missing just when Redis is down. The price: each web process
# logs the change once.
_last_states: dict[str, str] = {}
_last_states_lock = threading.Lock()


def health_report() -> tuple[str, dict[str, CheckResult]]:
    """Run every check; the overall state is the worst of them."""
    results = {name: check() for name, check in CHECKS.items()}
    _log_changes(results)
    states = {result.state for result in results.values()}
    overall = FAILED if FAILED in states else WARNING if WARNING in states else OK
    return overall, results


def _log_changes(results: dict[str, CheckResult]) -> None:
    with _last_states_lock:
        for name, result in results.items():
            previous = _last_states.get(name, OK)
            _last_states[name] = result.state
            if result.state == previous:
                continue
            if result.state == OK:
                logger.info("Health check %s is ok again (was %s)", name, previous)
            else:
                logger.warning("Health check %s is %s: %s", name, result.state, result.detail)


def may_see_details(request: HttpRequest) -> bool:
    """Details go to the host itself (not through a proxy on it) or to the token."""
    token = settings.HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(given.strip().encode(), token.encode())
    proxied = any(header in request.headers for header in PROXY_HEADERS)
    return request.META.get("REMOTE_ADDR") in LOCAL_ADDRESSES and not proxied
