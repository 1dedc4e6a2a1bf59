"""The whole application as real processes on private servers, for breaking them.

The shared PostgreSQL and Redis of the machine serve other test runs, so the fault
tests never touch them: they start a PostgreSQL cluster of their own (initdb into a
temporary folder, as the `postgres` OS user when run as root) and a Redis server of
their own (no persistence, as in production's default), and run gunicorn and Celery
workers on those. Each process is the leader of its own process group, so a kill
takes its children (gunicorn's and Celery's pool processes) with it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import psycopg
import redis
import requests

from tests.core.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def _postgres_bin() -> Path:
    """PG_BIN, or the newest Debian/Ubuntu PostgreSQL install (/usr/lib/postgresql/N/bin)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    return installed[-1].parent if installed else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _postgres_bin()


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path.name}: nothing written)"
    return f"--- {path.name} ---\n" + "\n".join(
        path.read_text(errors="replace").splitlines()[-lines:]
    )


def wait_for(
    condition: Callable[[], object], timeout: float, what: str, logs: tuple[Path, ...] = ()
) -> None:
    """Poll until `condition()` is true; fail with `what` and the logs' last lines."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}\n"
                + "\n".join(tail(log) for log in logs)
            )
        time.sleep(0.1)


def answers(url: str) -> bool:
    """Does anything answer HTTP at `url` (any status)?"""
    try:
        requests.get(url, timeout=2, allow_redirects=False)
    except requests.RequestException:
        return False
    return True


# Servers ---------------------------------------------------------------------------
class PrivatePostgres:
    """A PostgreSQL cluster of our own on a free port, trust authentication, in a
    temporary folder (not under pytest's, which the postgres user cannot enter)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="labportal-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres")

    def _run(self, program: str, *args: str) -> None:
        command = [str(PG_BIN / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as in a restart by the operator."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def create_database(self, name: str, template: str | None = None) -> None:
        self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def remove(self) -> None:
        if self.is_running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """redis-server on a free port, without persistence: a restart empties it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        with self.log.open("a") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        wait_for(self._pings, 10, "redis-server to answer", (self.log,))

    def _pings(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# Application processes ---------------------------------------------------------------
class AppProcess:
    """A command run from the checkout in its own process group, output to `log`."""

    def __init__(self, name: str, command: list[str], env: Mapping[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, dict(env), log
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> AppProcess:
        with self.log.open("a") as out:
            out.write(f"\n=== start {self.name} ===\n")
            out.flush()
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group (the main process and its pool), as the OOM
        killer or a lost machine would: nothing gets to clean up."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reap_group()

    def stop(self) -> None:
        """SIGTERM (warm shutdown: the running task ends first), SIGKILL after 20 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._reap_group()

    def _reap_group(self) -> None:
        # Pool processes left orphaned (their parent gone) still belong to the group.
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def app_env(
    *, database_url: str, redis_url: str, smtp_port: int, queue: str, media: Path, **extra: str
) -> dict[str, str]:
    """The environment of gunicorn and the workers: production-like settings (DEBUG
    off, so error handlers run) on the private servers."""
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONN_MAX_AGE": "60",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LABPORTAL_TEST_QUEUE": queue,
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def gunicorn(env: Mapping[str, str], log: Path, workers: int = 2) -> tuple[AppProcess, str]:
    """gunicorn serving labportal.wsgi on a free port; returns it and its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "labportal.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "--timeout", "30", "--graceful-timeout", "5",
        "--access-logfile", "-", "--no-control-socket",
    ]  # fmt: skip
    server = AppProcess("gunicorn", command, env, log).start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers(f"{base}/healthz"), 30, "gunicorn to answer", (log,))
    return server, base


def celery_worker(name: str, env: Mapping[str, str], log: Path, concurrency: int = 1) -> AppProcess:
    """`celery worker` (prefork, as in production) on the test queue, through
    tests.core.worker_app so that what it queues (retries, sends) stays there."""
    command = [
        sys.executable, "-m", "celery", "-A", "tests.core.worker_app", "worker",
        "--pool=prefork", f"--concurrency={concurrency}", f"--queues={env['LABPORTAL_TEST_QUEUE']}",
        f"--hostname={name}@%h", "--without-gossip", "--without-mingle", "--loglevel=INFO",
    ]  # fmt: skip
    return AppProcess(name, command, env, log).start()


# A visitor ---------------------------------------------------------------------------
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(browser: requests.Session, base: str, email: str, password: str) -> requests.Response:
    """Sign in through the login form, as a browser does (CSRF token included)."""
    page = browser.get(f"{base}/accounts/login/", timeout=10)
    page.raise_for_status()
    token = CSRF_FIELD.search(page.text)
    assert token, page.text[:500]
    return browser.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )


def gunicorn_workers_booted(log: Path) -> int:
    """How many gunicorn worker processes have booted: more than at the start means
    one died and was replaced."""
    return log.read_text().count("Booting worker with pid")
