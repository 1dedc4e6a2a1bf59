"""Shared fixtures and helpers: personas and their clients, a real Celery worker on
Redis and waiting for what it does, Chromium for Playwright."""

from __future__ import annotations

import datetime
import os
import time
import uuid
from collections.abc import Callable

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import (
    DepartmentFactory,
    UserFactory,
    give_totp,
)

TEST_QUEUE = f"labportal-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session", autouse=True)
def _celery_test_queue():
    """Route every task of this test process to a queue of its own on the real Redis,
    so a developer's running worker never takes the tests' tasks (and vice versa)."""
    from labportal.celery import app

    app.conf.task_default_queue = TEST_QUEUE
    yield
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(TEST_QUEUE)


@pytest.fixture(autouse=True)
def _erasure_ledger_in_tmp(settings, tmp_path):
    """Erasures append to the ledger file (privacy.ledger): each test its own, never
    the checkout's var/."""
    settings.PRIVACY_LEDGER_PATH = tmp_path / "erasure-ledger.jsonl"


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming this process's test queue on Redis."""
    from celery.contrib.testing.worker import start_worker

    from labportal.celery import app

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[TEST_QUEUE], shutdown_timeout=20
    ) as worker:
        yield worker


def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False): for
    what a worker or a server does in another thread or process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for this secret; waits for the next
    period when this one is about to end, so the code is still valid on arrival."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


# Personas --------------------------------------------------------------------------
@pytest.fixture
def department(db):
    return DepartmentFactory()


@pytest.fixture
def admin(db):
    return give_totp(UserFactory(role="admin", full_name="Ada Admin"))


@pytest.fixture
def lab_lead(db):
    return give_totp(UserFactory(role="lab_lead", full_name="Leo Labbansvarig"))


@pytest.fixture
def department_staff(db, department):
    return UserFactory(role="department_staff", department=department, full_name="Disa Förvaltning")


@pytest.fixture
def trainee(db):
    return UserFactory(role="trainee", full_name="Tim Trainee")


@pytest.fixture
def enrolment(db, trainee):
    """The `trainee` persona enrolled in a running cohort (started 20 weeks ago)."""
    from tests.cohorts.factories import CohortFactory, EnrolmentFactory

    start = timezone.localdate() - datetime.timedelta(weeks=20)
    cohort = CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(weeks=40))
    return EnrolmentFactory(cohort=cohort, trainee=trainee)


@pytest.fixture
def supervisor(db, enrolment):
    """A partner's supervisor named on the `trainee` persona's cohort."""
    person = UserFactory(role="supervisor", full_name="Sara Handledare")
    enrolment.cohort.supervisors.add(person)
    return person


@pytest.fixture
def other_trainee(db):
    """A trainee the `supervisor` persona does not supervise."""
    return UserFactory(role="trainee", full_name="Olle Annan")


@pytest.fixture
def outsider(db):
    """Staff of another department (of another organisation)."""
    return UserFactory(role="department_staff", department=DepartmentFactory())


@pytest.fixture
def personas(admin, lab_lead, department_staff, trainee):
    return {
        "admin": admin,
        "lab_lead": lab_lead,
        "department_staff": department_staff,
        "trainee": trainee,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def english(user) -> Client:
    """A signed-in client that sees the English interface (the user's saved language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return client_for(user)


# Browser ---------------------------------------------------------------------------
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Test users need a password, not a slow hash; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of a test land in its own temporary folder, never in the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"
