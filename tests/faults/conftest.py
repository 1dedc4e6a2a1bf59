"""Fixtures of the fault tests: private PostgreSQL and Redis servers (tests/faults/stack.py),
this test process pointed at them, a local SMTP server and the app's processes.

Every test module here sets `pytestmark = pytest.mark.faults`: the normal run leaves
them out (pyproject's addopts), `make test-faults` runs only them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections

from tests.conftest import TEST_QUEUE
from tests.core.smtp import RecordingHandler, smtp_server
from tests.faults.stack import (
    ROOT,
    AppProcess,
    PrivatePostgres,
    PrivateRedis,
    app_env,
    celery_worker,
    gunicorn,
)

TEMPLATE_DB = "labportal_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A cluster of our own with the migrated schema in a template database: each
    test copies it (a fraction of a second) instead of migrating (about 6 s)."""
    import subprocess
    import sys

    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        server.create_database(TEMPLATE_DB)
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=app_env(
                database_url=server.url(TEMPLATE_DB),
                redis_url="redis://127.0.0.1:1/0",  # not needed to migrate
                smtp_port=1,
                queue=TEST_QUEUE,
                media=server.dir / "media",
            ),
            check=True,
            capture_output=True,
        )
        print(f"\nmigrated the private template database in {time.monotonic() - started:.1f} s")
        yield server
    finally:
        server.remove()


@pytest.fixture
def private_db(private_postgres, django_db_blocker) -> Iterator[str]:
    """A fresh database copied from the template; this test process's ORM uses it
    too (so factories and services write where the app's processes read)."""
    if not private_postgres.is_running():  # an earlier test failed during its outage
        private_postgres.start()
    name = f"faults_{next(_numbers)}"
    private_postgres.create_database(name, template=TEMPLATE_DB)
    db = django_settings.DATABASES["default"]  # the dict the connection reads
    saved = dict(db)
    connections.close_all()
    db.update(NAME=name, HOST="127.0.0.1", PORT=str(private_postgres.port), USER="postgres")
    db.update(PASSWORD="", CONN_MAX_AGE=0)
    try:
        with django_db_blocker.unblock():
            yield private_postgres.url(name)
            connections.close_all()
    finally:
        db.clear()
        db.update(saved)


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    """A Redis server of our own, which this test process's Celery app sends to."""
    from labportal.celery import app

    server = PrivateRedis(tmp_path)
    server.start()
    original = app.conf.broker_url
    send_tasks_to(app, server.url(0))
    try:
        yield server
    finally:
        send_tasks_to(app, original)
        server.stop()


def send_tasks_to(app, broker_url: str) -> None:
    """Point this process's Celery app at another broker, dropping the connections
    (and producers on them) pooled for the previous one."""
    app.conf.broker_url = broker_url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def smtp() -> Iterator[tuple[int, RecordingHandler]]:
    with smtp_server() as (port, handler):
        yield port, handler


@pytest.fixture
def _real_password_hashing(_fast_password_hashing, settings):
    # The app's processes check passwords with the default hashers: store them so.
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@pytest.fixture
def stack(private_db, private_redis, smtp, tmp_path) -> Iterator[Stack]:
    """Start app processes on the private servers; all are stopped at the end."""
    running = Stack(private_db, private_redis, smtp[0], tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


class Stack:
    def __init__(self, database_url: str, redis: PrivateRedis, smtp_port: int, folder: Path):
        self.database_url, self.redis, self.smtp_port, self.folder = (
            database_url,
            redis,
            smtp_port,
            folder,
        )
        self.processes: list[AppProcess] = []
        self.extra_env: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        return app_env(
            database_url=self.database_url,
            redis_url=self.redis.url(0),
            smtp_port=self.smtp_port,
            queue=TEST_QUEUE,
            media=self.folder / "media",
            **self.extra_env,
        )

    @property
    def worker_log(self) -> Path:
        return self.folder / "worker.log"

    @property
    def web_log(self) -> Path:
        return self.folder / "gunicorn.log"

    def gunicorn(self) -> str:
        server, base = gunicorn(self.env(), self.web_log)
        self.processes.append(server)
        return base

    def worker(self, name: str = "worker", concurrency: int = 1) -> AppProcess:
        worker = celery_worker(name, self.env(), self.worker_log, concurrency)
        self.processes.append(worker)
        return worker

    def wait(self, condition: Callable[[], object], timeout: float, what: str) -> None:
        from tests.faults.stack import wait_for

        wait_for(condition, timeout, what, (self.worker_log, self.web_log))

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()
