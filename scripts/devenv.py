"""Find the database and Redis for `make run` and `make test`.

    python scripts/devenv.py check              # make test: both must answer, or exit 1 with advice
    python scripts/devenv.py demo-env           # make run: print `export` lines, with fallbacks
    python scripts/devenv.py demo-stop [PGDATA] # stop the embedded PostgreSQL, if it runs

The demo falls back to an embedded PostgreSQL (the pgserver package) when no
PostgreSQL answers, and to in-process tasks when no Redis answers, so that a
newcomer still sees the app. Tests never fall back.

The embedded PostgreSQL keeps its data in LABPORTAL_DEMO_PGDATA (default
.demo/pgdata) and listens only on a Unix socket. When run as root, pgserver runs
it as a separate `pgserver` OS user.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/labportal"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
EMBEDDED_DATABASE = "labportal"


def say(message: str) -> None:
    print(message, file=sys.stderr)


def postgres_answers(url: str) -> str | None:
    """None if a PostgreSQL server answers at `url` (its database is created if
    missing), else the reason it does not."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/") or "labportal"
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return None


def redis_answers(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as exc:
        return str(exc) or exc.__class__.__name__
    return None


def demo_pgdata() -> Path:
    return Path(os.environ.get("LABPORTAL_DEMO_PGDATA") or ROOT / ".demo" / "pgdata").resolve()


def embedded_postgres_url(pgdata: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL in `pgdata`; return a URL to its database.
    The server keeps running after this process exits; `demo-stop` stops it."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); it falls back fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    import pgserver

    if any(c.isspace() for c in str(pgdata)):
        # pgserver passes the path to postgres unquoted
        raise SystemExit(
            f"The embedded PostgreSQL cannot use {pgdata}: its path contains a space. "
            "Set LABPORTAL_DEMO_PGDATA to a directory without spaces."
        )
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    # The socket lives in pgdata unless that path is too long for a Unix socket.
    socket_dir = server.get_postmaster_info().socket_dir
    url = f"postgres://postgres@/{EMBEDDED_DATABASE}?host={quote(str(socket_dir))}"
    if problem := postgres_answers(url):  # creates the database on first use
        raise SystemExit(f"The embedded PostgreSQL in {pgdata} does not answer: {problem}")
    return url


def embedded_postgres_stop(pgdata: Path, timeout: float = 30.0) -> bool:
    """Stop the embedded PostgreSQL in `pgdata` (fast shutdown); False if none ran there."""
    import psutil  # a dependency of pgserver

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        process = psutil.Process(pid)
        # a stale postmaster.pid may name a recycled pid: only stop our own postgres
        ours = process.name() == "postgres" and any(str(pgdata) in a for a in process.cmdline())
        if not ours:
            return False
        # SIGINT is PostgreSQL's fast shutdown; root may signal the `pgserver` user's server.
        process.send_signal(signal.SIGINT)
        process.wait(timeout)
    except (OSError, IndexError, ValueError, psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    except psutil.TimeoutExpired:
        process.kill()
    deadline = time.monotonic() + timeout
    while (pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def check() -> int:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    failures = []
    if problem := postgres_answers(database_url):
        failures.append(f"PostgreSQL at {database_url} does not answer: {problem}")
    if problem := redis_answers(redis_url):
        failures.append(f"Redis at {redis_url} does not answer: {problem}")
    if failures:
        for failure in failures:
            say(f"ERROR: {failure}")
        say(
            "The tests need a real PostgreSQL (with a role that may create databases) and Redis.\n"
            "Start them, or point DATABASE_URL and REDIS_URL at running servers. On Debian:\n"
            "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
        )
        return 1
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    missing = [
        f"{what} ({package})"
        for what, present, package in [
            ("Chromium for the browser tests", Path(chromium).exists(), "chromium"),
            ("xgettext/msgattrib for the translation test", shutil.which("msgattrib"), "gettext"),
        ]
        if not present
    ]
    if missing:
        say("ERROR: missing " + " and ".join(missing) + ".")
        say("On Debian: apt-get install -y chromium gettext (or set CHROMIUM_PATH).")
        return 1
    return 0


def demo_env() -> int:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    exports = {"REDIS_URL": redis_url, "TASKS_IN_PROCESS": "false"}
    if problem := postgres_answers(database_url):
        pgdata = demo_pgdata()
        say(f"No PostgreSQL answers at {database_url} ({problem}).")
        say(f"Falling back to an embedded PostgreSQL in {pgdata} for this demo.")
        database_url = embedded_postgres_url(pgdata)
        exports["LABPORTAL_EMBEDDED_PGDATA"] = str(pgdata)
    exports["DATABASE_URL"] = database_url
    if problem := redis_answers(redis_url):
        say(f"No Redis answers at {redis_url} ({problem}).")
        say("Falling back to running background tasks inside the web process (no worker, no beat).")
        exports["TASKS_IN_PROCESS"] = "true"
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "check":
        sys.exit(check())
    if command == "demo-env":
        sys.exit(demo_env())
    if command == "demo-stop":
        pgdata = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else demo_pgdata()
        if embedded_postgres_stop(pgdata):
            say(f"Stopped the embedded PostgreSQL in {pgdata}.")
        sys.exit(0)
    say(__doc__ or "")
    sys.exit(2)
