"""Pages for signed-in people are never cached, and a session left alone is signed out
(labportal/core/middleware.py).

What the public pages send is documented here too: the login page is `never_cache`
(allauth), /healthz is `never_cache` (ours); other anonymous pages get no Cache-Control
from us, as they show no one's data."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import User
from labportal.core.middleware import LAST_ACTIVITY_KEY, PRIVATE_NO_STORE, SIGNED_IN_AT_KEY
from labportal.core.models import AuditEntry
from tests.conftest import client_for
from tests.test_settings import PRODUCTION, manage


# Cache-Control ---------------------------------------------------------------------------
def test_a_page_for_a_signed_in_person_is_private_and_not_stored(trainee):
    response = client_for(trainee).get(reverse("core:home"))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE_NO_STORE


def test_a_public_page_is_not_marked_for_a_signed_in_person_only(trainee):
    url = reverse("core:accessibility")

    anonymous = Client().get(url)
    signed_in = client_for(trainee).get(url)

    assert anonymous.status_code == signed_in.status_code == 200
    assert not anonymous.has_header("Cache-Control")  # shows no one's data
    assert signed_in["Cache-Control"] == PRIVATE_NO_STORE  # the menu names the person


def test_the_login_page_is_never_cached_by_its_own_header(db):
    response = Client().get(reverse("account_login"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Cache-Control"] != PRIVATE_NO_STORE  # allauth's never_cache, not ours


def test_a_view_that_sets_its_own_cache_control_keeps_it(trainee):
    anonymous = Client().get(reverse("healthz"))
    signed_in = client_for(trainee).get(reverse("healthz"))

    assert signed_in["Cache-Control"] == anonymous["Cache-Control"]
    assert "max-age=0" in signed_in["Cache-Control"]


def test_static_files_are_left_alone(trainee):
    response = client_for(trainee).get(settings.STATIC_URL + "css/labportal.css")

    assert response.get("Cache-Control") != PRIVATE_NO_STORE


# Sign-out after inactivity ---------------------------------------------------------------
def set_session(client: Client, **values: int) -> None:
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def english_client(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def minutes_ago(minutes: float) -> int:
    return int(time.time() - minutes * 60)


def expired_entries(user: User) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="user.session_expired", object_id=str(user.pk)))


@pytest.fixture
def idle_30(settings):
    settings.SESSION_IDLE_MINUTES = 30
    return settings


def test_an_idle_session_is_signed_out_with_a_message(idle_30, trainee):
    client = english_client(trainee)
    set_session(client, **{LAST_ACTIVITY_KEY: minutes_ago(32)})
    url = reverse("trainees:profile", args=[trainee.pk])

    response = client.get(url)

    login = reverse("account_login")
    assert response.status_code == 302
    assert response["Location"] == f"{login}?next={url}"
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    (entry,) = expired_entries(trainee)
    assert entry.actor == trainee
    assert entry.details["reason"] == "idle"
    assert entry.details["idle_minutes"] == 30
    # the sign-out signal fired as for any sign-out
    assert AuditEntry.objects.filter(action="user.signed_out", actor=trainee).exists()


def test_activity_within_the_window_keeps_the_session(idle_30, trainee):
    client = client_for(trainee)
    set_session(client, **{LAST_ACTIVITY_KEY: minutes_ago(29)})

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert client.session[SESSION_KEY] == str(trainee.pk)
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5  # moved forward
    assert expired_entries(trainee) == []


def test_the_last_activity_is_written_at_most_once_a_minute(trainee):
    client = client_for(trainee)
    recent = int(time.time()) - 20
    set_session(client, **{LAST_ACTIVITY_KEY: recent, SIGNED_IN_AT_KEY: recent})

    client.get(reverse("core:home"))
    client.get(reverse("core:home"))

    assert client.session[LAST_ACTIVITY_KEY] == recent


def test_a_fresh_sign_in_costs_no_session_write(trainee):
    # Until a minute has passed, the sign-in time (last_login) is the last activity.
    client = client_for(trainee)

    assert client.get(reverse("core:home")).status_code == 200

    assert LAST_ACTIVITY_KEY not in client.session


def test_a_session_signed_in_long_ago_without_stored_times_is_signed_out(idle_30, trainee):
    client = client_for(trainee)
    User.objects.filter(pk=trainee.pk).update(
        last_login=timezone.now() - datetime.timedelta(hours=2)
    )

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert expired_entries(trainee)[0].details["reason"] == "idle"


def test_an_htmx_request_of_an_idle_session_gets_hx_redirect(idle_30, trainee):
    client = client_for(trainee)
    set_session(client, **{LAST_ACTIVITY_KEY: minutes_ago(45)})

    response = client.get(
        reverse("core:home"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/trainees/?page=2"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("account_login") + "?next=%2Ftrainees%2F%3Fpage%3D2"
    assert not response.has_header("Location")
    assert SESSION_KEY not in client.session


def test_a_post_of_an_idle_session_is_not_carried_out(idle_30, trainee):
    client = client_for(trainee)
    set_session(client, **{LAST_ACTIVITY_KEY: minutes_ago(31.5 + 1)})

    response = client.post(reverse("trainees:profile_edit"), {"background": "Ändrat"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert SESSION_KEY not in client.session


def test_the_message_counts_the_configured_minutes(settings, trainee):
    settings.SESSION_IDLE_MINUTES = 1
    client = english_client(trainee)
    set_session(client, **{LAST_ACTIVITY_KEY: minutes_ago(3)})

    response = client.get(reverse("core:home"), follow=True)

    assert "You were signed out after 1 minute without activity." in response.content.decode()


def test_an_active_session_ends_at_session_cookie_age_after_sign_in(settings, trainee):
    settings.SESSION_COOKIE_AGE = 3600
    client = client_for(trainee)
    now = int(time.time())
    set_session(client, **{LAST_ACTIVITY_KEY: now - 30, SIGNED_IN_AT_KEY: now - 3601})

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert expired_entries(trainee)[0].details["reason"] == "max_age"


def test_the_health_check_neither_extends_nor_ends_a_session(idle_30, trainee):
    client = client_for(trainee)
    stale = minutes_ago(45)
    set_session(client, **{LAST_ACTIVITY_KEY: stale})

    client.get(reverse("healthz"))

    assert client.session[SESSION_KEY] == str(trainee.pk)
    assert client.session[LAST_ACTIVITY_KEY] == stale
    assert expired_entries(trainee) == []


def test_session_idle_minutes_must_be_at_least_one():
    result = manage("check", **{**PRODUCTION, "SESSION_IDLE_MINUTES": "0"})

    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES must be at least 1" in result.stderr
