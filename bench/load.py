"""A small load harness, standard library only: serve the project with gunicorn (2
workers) against a given database, sign personas in, and have C clients ask for a URL
one request after another for T seconds.

- `gunicorn_server(database_url)`: a context manager giving the base URL.
- `prepare(database_url, personas, pages)`: in a Django process of its own set up on
  that database (the pytest process holds the test database), signs in the first
  active user of each role (force_login: a real row in django_session, so the cookie
  works in gunicorn too) and counts the queries of each page once with
  CaptureQueriesContext. Returns the cookies and the counts.
- `load(url, cookie, clients, seconds)`: p50/p95/p99 latency in ms, req/s, errors.

MFA: admins and lab leads must set up TOTP before they see anything; the generated
users have none, so the server and the sign-in run with REQUIRE_MFA_FOR_PRIVILEGED=false
(`MFA_NOTE` says so in the output). The check is one query per request at most.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.core.smtp import free_port

PROJECT = Path(__file__).resolve().parent.parent
MFA_NOTE = "REQUIRE_MFA_FOR_PRIVILEGED=false in the server (generated users have no TOTP)"


def server_env(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "DEBUG": "false",
        "REQUIRE_MFA_FOR_PRIVILEGED": "false",
    }
    # pytest-env sets 0 for the tests; a server keeps its connections as in production.
    env.pop("DB_CONN_MAX_AGE", None)
    return env


@contextlib.contextmanager
def gunicorn_server(
    database_url: str,
    app_dir: Path = PROJECT,
    workers: int = 2,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """gunicorn on a free local port, until /healthz answers; yields its base URL.
    `env` replaces `server_env(database_url)` (e.g. to keep MFA on)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "labportal.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=app_dir,
        env=env if env is not None else server_env(database_url),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # up: it answers (unhealthy only for want of a Celery worker)
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def prepare(database_url: str, personas: list[str], pages: list[tuple[str, str]]) -> dict[str, Any]:
    """{"cookies": {role: cookie}, "users": {role: email}, "queries": [{role, path,
    status, queries}]} for `pages` as (role, path)."""
    request = json.dumps({"personas": personas, "pages": pages})
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=request,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=server_env(database_url),
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench.load prepare failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _prepare_here(request: dict[str, Any]) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labportal.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from labportal.accounts.models import User

    clients, cookies, users = {}, {}, {}
    for role in request["personas"]:
        user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if user is None:
            raise RuntimeError(f"no active user with role {role}")
        client = Client()
        client.force_login(user)
        clients[role] = client
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"
        users[role] = user.email
    queries = []
    for role, path in request["pages"]:
        clients[role].get(path)  # warm caches, as the load's first requests do
        with CaptureQueriesContext(connection) as captured:
            status = clients[role].get(path).status_code
        queries.append({"role": role, "path": path, "status": status, "queries": len(captured)})
    return {"cookies": cookies, "users": users, "queries": queries}


def fetch(connection: http.client.HTTPConnection, path: str, cookie: str) -> tuple[float, bool]:
    """(ms, ok) for one GET on a keep-alive connection (it reconnects when the server
    closes it: gunicorn's sync workers close after each response)."""
    start = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        connection.close()
        ok = False
    return (time.perf_counter() - start) * 1000, ok


def load(url: str, cookie: str, clients: int, seconds: float) -> dict[str, float | int]:
    """`clients` threads asking for `url` one request after another for `seconds`."""
    host, _, rest = url.removeprefix("http://").partition("/")
    path = "/" + rest
    hostname, _, port = host.partition(":")

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(hostname, int(port or 80), timeout=30)

    warm = connect()
    for _ in range(4):
        fetch(warm, path, cookie)  # warm up both workers
    warm.close()
    samples: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        nonlocal errors
        mine, failed = [], 0
        connection = connect()
        while time.perf_counter() < deadline:
            ms, ok = fetch(connection, path, cookie)
            mine.append(ms)
            failed += not ok
        connection.close()
        with lock:
            samples.extend(mine)
            errors += failed

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(samples, n=100) if len(samples) > 1 else samples * 99
    return {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "p50": round(statistics.median(samples), 1),
        "p95": round(cuts[94], 1),
        "p99": round(cuts[98], 1),
        "errors": errors,
    }


def machine(database_url: str = "") -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    versions = {"python": platform.python_version()}
    for package in ("django", "gunicorn", "psycopg"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[package] = version(package)
    if database_url:
        with contextlib.suppress(Exception):
            import psycopg

            with psycopg.connect(database_url) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                versions["postgresql"] = str(row[0]) if row else "?"
    return {
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "versions": versions,
    }


if __name__ == "__main__":
    print(json.dumps(_prepare_here(json.loads(sys.stdin.read()))))
