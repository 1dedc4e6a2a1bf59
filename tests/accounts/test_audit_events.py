"""Security events land in the audit log, driven through allauth's real views.

Each test uses an address and a client IP of its own: allauth's login rate limits live
in Redis and outlast a test run, so shared ones would start refusing attempts."""

from __future__ import annotations

import json
import uuid

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.accounts.factories import PASSWORD, UserFactory, give_totp
from tests.conftest import client_for, totp_code

NEW_PASSWORD = "ett-nytt-långt-lösenord-77"


def unique_email() -> str:
    return f"audit-{uuid.uuid4().hex[:12]}@example.se"


def browser() -> tuple[Client, str]:
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return Client(REMOTE_ADDR=ip), ip


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("created_at", "pk"))


@pytest.fixture
def person(db):
    return UserFactory(email=unique_email(), role="trainee")


def test_sign_in_failed_then_succeeded_is_audited_without_the_password(person):
    client, ip = browser()

    sign_in(client, person, password="fel-lösenord-123")
    response = sign_in(client, person)

    assert response.status_code == 302 and "_auth_user_id" in client.session
    [failed] = entries("user.sign_in_failed")
    assert failed.actor is None
    assert (failed.object_type, failed.object_id) == ("accounts.user", str(person.pk))
    assert failed.details == {"email": person.email, "ip": ip}
    assert "fel-lösenord" not in json.dumps(failed.details)
    [signed_in] = entries("user.signed_in")
    assert signed_in.actor == person
    assert (signed_in.object_type, signed_in.object_id) == ("accounts.user", str(person.pk))
    assert signed_in.details == {"methods": ["password"], "ip": ip}


def test_failed_sign_in_for_an_unknown_address_names_the_address(db):
    client, ip = browser()
    typed = f"  Nobody-{uuid.uuid4().hex[:8]}@Example.SE"

    client.post(reverse("account_login"), {"login": typed, "password": "gissning-123456"})

    [failed] = entries("user.sign_in_failed")
    assert failed.actor is None
    assert failed.object_type == "accounts.login"
    assert failed.object_id == typed.strip().lower()
    assert failed.details == {"email": typed.strip().lower(), "ip": ip}


def test_sign_in_with_a_totp_code_is_one_entry_naming_both_steps(db):
    user = give_totp(UserFactory(email=unique_email(), role="lab_lead"))
    client, _ip = browser()

    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert not entries("user.signed_in"), "the password alone does not sign in"
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user.totp_secret)})

    [signed_in] = entries("user.signed_in")
    assert signed_in.actor == user
    assert signed_in.details["methods"] == ["mfa", "password"]


def test_sign_out_is_audited(person):
    client, ip = browser()
    sign_in(client, person)

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session
    [signed_out] = entries("user.signed_out")
    assert signed_out.actor == person
    assert signed_out.object_id == str(person.pk)
    assert signed_out.details == {"ip": ip}


def test_test_clients_force_login_writes_no_sign_in(person):
    client_for(person).get(reverse("core:home"))

    assert not entries("user.signed_in")


def test_mistyped_password_when_asked_again_is_a_failed_sign_in_by_that_person(person):
    client, _ip = browser()
    sign_in(client, person)

    response = client.post(reverse("account_reauthenticate"), {"password": "fel-lösenord-123"})

    assert response.status_code == 200
    [failed] = entries("user.sign_in_failed")
    assert (failed.actor, failed.object_id) == (person, str(person.pk))


def test_password_change_is_audited(person):
    client, _ip = browser()
    sign_in(client, person)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    [changed] = entries("user.password_changed")
    assert (changed.actor, changed.object_id) == (person, str(person.pk))


def test_password_set_is_audited(person):
    # A person who has only ever used single sign-on has no password yet.
    person.set_unusable_password()
    person.save()
    client, _ip = browser()
    client.force_login(person)

    response = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    [password_set] = entries("user.password_set")
    assert (password_set.actor, password_set.object_id) == (person, str(person.pk))


def test_password_reset_is_audited(person):
    client, _ip = browser()
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    form_url = client.get(url).url  # allauth moves the key into the session first

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    [reset] = entries("user.password_reset")
    assert (reset.actor, reset.object_id) == (person, str(person.pk))


def test_totp_activation_new_recovery_codes_and_removal_are_audited(
    person, django_capture_on_commit_callbacks
):
    client, _ip = browser()
    sign_in(client, person)
    # Changing two-factor settings asks for the password again first.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]

    # allauth sends its MFA signals once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    added = entries("user.mfa_added")
    assert sorted(entry.details["type"] for entry in added) == ["recovery_codes", "totp"]
    assert {(entry.actor, entry.object_id) for entry in added} == {(person, str(person.pk))}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    [reset] = entries("user.mfa_reset")
    assert reset.details["type"] == "recovery_codes"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    removed = entries("user.mfa_removed")
    assert sorted(entry.details["type"] for entry in removed) == ["recovery_codes", "totp"]
    assert {entry.actor for entry in removed} == {person}
