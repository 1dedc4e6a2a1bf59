"""`make run` on a machine without PostgreSQL or Redis: scripts/devenv.py falls back to
an embedded PostgreSQL and to tasks inside the web process, and the demo still works.

Runs the real commands in subprocesses against a throwaway embedded PostgreSQL of its
own (a Unix socket in a temporary directory, no TCP port), so it shares nothing with
the other tests.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, ProxyHandler, build_opener

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# Nothing listens on port 1: both services "do not answer".
DEAD_DATABASE_URL = "postgres://postgres@127.0.0.1:1/labportal"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
DEMO_PASSWORD = "labportal-demo"
ADMIN_EMAIL = "admin@demo.labportal.se"

COUNTS = """
import json
from allauth.account.models import EmailAddress
from cohorts.models import Cohort, Enrolment
from labportal.accounts.models import Department, Organisation, User
from prototypes.models import Idea
from trainees.models import TraineeProfile
models = [User, EmailAddress, Organisation, Department, Cohort, Enrolment, Idea,
          Idea.skills.through, TraineeProfile]
print("COUNTS", json.dumps({m.__name__: m.objects.count() for m in models}))
"""

INVITE = f"""
from labportal.accounts.models import User
from labportal.accounts.services import invite_user
from labportal.core.models import OutboxEmail
admin = User.objects.get(email="{ADMIN_EMAIL}")
invitation, _ = invite_user(actor=admin, email="new.trainee@example.org", role="trainee")
print("OUTBOX", OutboxEmail.objects.get(key=f"invitation:{{invitation.pk}}").status)
"""


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{shlex.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def marked_line(output: str, marker: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(marker + " "))[
        len(marker) + 1 :
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def no_proxy_opener(*handlers: object) -> OpenerDirector:
    # A developer's http_proxy must not carry requests to 127.0.0.1.
    return build_opener(ProxyHandler({}), *handlers)


def fetch(opener: OpenerDirector, url: str, data: dict | None = None) -> tuple[int, str, str]:
    """GET (or POST `data`), following redirects; return status, final URL and body."""
    body = urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as response:
            return response.status, response.url, response.read().decode()
    except HTTPError as error:
        return error.code, url, error.read().decode()


@pytest.fixture
def fallback_env():
    """The exports of `devenv.py demo-env` when neither service answers; the embedded
    PostgreSQL it starts lives in a temporary directory and is stopped afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="labportal-demo-"))
    pgdata = workdir / "pgdata"
    env = {
        **os.environ,
        "DATABASE_URL": DEAD_DATABASE_URL,
        "REDIS_URL": DEAD_REDIS_URL,
        "LABPORTAL_DEMO_PGDATA": str(pgdata),
    }
    try:
        output = run(env, "scripts/devenv.py", "demo-env")
        exports = dict(
            shlex.split(line)[1].split("=", 1) for line in output.splitlines() if line.strip()
        )
        yield pgdata, workdir, exports, env
    finally:
        run(env, "scripts/devenv.py", "demo-stop", str(pgdata))
        stopped = not (pgdata / "postmaster.pid").exists()
        shutil.rmtree(workdir, ignore_errors=True)
        assert stopped, "the embedded PostgreSQL is still running"


def test_demo_fallback_serves_the_app_on_embedded_postgres_with_in_process_tasks(fallback_env):
    pgdata, workdir, exports, env = fallback_env

    # given: devenv chose the embedded PostgreSQL and in-process tasks
    assert exports["TASKS_IN_PROCESS"] == "true"
    assert exports["LABPORTAL_EMBEDDED_PGDATA"] == str(pgdata.resolve())
    assert exports["DATABASE_URL"] != DEAD_DATABASE_URL
    assert f"host={pgdata.resolve()}" in exports["DATABASE_URL"]
    env = {
        **env,
        **exports,
        "ENVIRONMENT": "development",
        "DEBUG": "true",
        "REQUIRE_MFA_FOR_PRIVILEGED": "false",
        "EMAIL_URL": "consolemail://",
        "DJANGO_RUNSERVER_HIDE_WARNING": "true",
        # the demo erases a person on request: its ledger line goes to this test's folder
        "PRIVACY_LEDGER_PATH": str(workdir / "erasure-ledger.jsonl"),
    }

    # when: migrating and loading the demo data twice
    run(env, "manage.py", "migrate", "--no-input", "-v0")
    run(env, "manage.py", "load_demo")
    first = json.loads(marked_line(run(env, "manage.py", "shell", "-c", COUNTS), "COUNTS"))
    run(env, "manage.py", "load_demo")
    second = json.loads(marked_line(run(env, "manage.py", "shell", "-c", COUNTS), "COUNTS"))

    # then: the second load changed nothing
    # 14 people, the six former trainees of Omgång 0 and the former staff member
    # erased on request (demo.privacy)
    assert first["User"] == 21
    assert first["Idea"] == 10
    assert second == first

    # when: serving the demo
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "runserver.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        opener = no_proxy_opener()
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = fetch(opener, base + reverse("healthz"))
                break
            except URLError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

        # then: /healthz is green without Redis or a worker
        assert status == 200, body
        report = json.loads(body)
        assert report["checks"] == {"database": "ok", "redis": "ok", "worker": "ok", "email": "ok"}
        # asked from this host, so with the details: why Redis and the worker count as ok
        assert report["details"]["redis"] == "not used (tasks run in-process)"
        assert report["details"]["worker"] == "not used (tasks run in-process)"

        # and a demo login reaches the start page
        browser = no_proxy_opener(HTTPCookieProcessor(CookieJar()))
        status, _, body = fetch(browser, base + reverse("account_login"))
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        status, url, body = fetch(
            browser,
            base + reverse("account_login"),
            {"csrfmiddlewaretoken": token, "login": ADMIN_EMAIL, "password": DEMO_PASSWORD},
        )
        assert status == 200, body
        assert url == base + reverse("core:home")
        assert "Alva Admin" in body
    finally:
        server.terminate()
        server.wait(timeout=10)

    # when: an admin invites someone
    output = run(env, "manage.py", "shell", "-c", INVITE)

    # then: the invitation email was sent inside this process, without a worker
    assert marked_line(output, "OUTBOX") == "sent"
    assert "To: new.trainee@example.org" in output
