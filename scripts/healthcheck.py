"""Container health checks for docker-compose.yml.

    python scripts/healthcheck.py web    # gunicorn answers /healthz; database and Redis ok
    python scripts/healthcheck.py beat   # beat has dispatched a periodic task recently

The worker's check is `celery inspect ping` (see docker-compose.yml).
"""

from __future__ import annotations

import http.client
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# beat writes last_run_at to the database every 3 minutes; the heartbeat runs every minute
BEAT_MAX_SILENCE = timedelta(minutes=10)


def allowed_host() -> str:
    """A Host header Django accepts, so that the check does not fail on ALLOWED_HOSTS."""
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts else "localhost"
    return "localhost" if host == "*" else host


def web() -> int:
    """Healthy when the web tier itself can serve: gunicorn answers and /healthz reports
    the database and Redis ok. A missing worker heartbeat (503 with only `worker`
    failing) does not make the web container unhealthy: the worker has its own check,
    and a web container waiting for a worker would be restarted for nothing."""
    port = 8000
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    try:
        connection.request("GET", "/healthz", headers={"Host": allowed_host()})
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        print(f"web: no answer on port {port}: {exc}")
        return 1
    if response.status == 200:
        return 0
    if response.status == 503:
        try:
            checks = json.loads(body)["checks"]
        except (ValueError, KeyError, TypeError):
            checks = {}
        # Each check is "ok", "warning" (e.g. failed emails) or "failed".
        failing = [name for name, state in checks.items() if state == "failed"]
        if checks and set(failing) <= {"worker"}:
            return 0
        print(f"web: /healthz failing checks: {', '.join(failing) or body[:200]!r}")
        return 1
    print(f"web: /healthz answered HTTP {response.status}: {body[:200]!r}")
    return 1


def beat() -> int:
    """Healthy when beat has sent a periodic task recently (django-celery-beat records
    last_run_at in the database), i.e. it is running, scheduling and reaching Postgres."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labportal.settings")
    import django

    django.setup()
    from django.db.models import Max
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None or timezone.now() - last > BEAT_MAX_SILENCE:
        print(f"beat: no periodic task sent since {last}")
        return 1
    return 0


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in checks:
        print(__doc__)
        sys.exit(2)
    sys.exit(checks[command]())
