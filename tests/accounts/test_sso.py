"""Single sign-on by OpenID Connect: configured from the environment alone, and open
only to invited people (the browser test drives a real provider: tests/browser/)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.urls import reverse
from django.utils import translation

from labportal.accounts.adapters import InvitationOnlySocialAccountAdapter
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.test_settings import PRODUCTION, manage

ROOT = Path(__file__).resolve().parent.parent.parent

SHOW_LOGIN_PAGE = """
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/accounts/login/")
print(response.status_code)
print(response["Content-Security-Policy"])
print(response.content.decode())
"""


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


def test_oidc_login_button_appears_when_configured(db):
    # The subprocess reads the test database (the Site row), never a developer's.
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "ENVIRONMENT": "test",
        "OIDC_SERVER_URL": "https://idp.example.se:8443/realms/kommun",
        "OIDC_CLIENT_ID": "labportal",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_NAME": "Kommunens inloggning",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW_LOGIN_PAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, policy, html = result.stdout.split("\n", 2)
    assert status == "200"
    assert "Kommunens inloggning" in html
    assert "/accounts/oidc/municipality/login/" in html
    # The login form posts to us and is redirected to the identity provider's origin.
    assert directives(policy)["form-action"] == ["'self'", "https://idp.example.se:8443"]


@pytest.mark.parametrize(
    ("server_url", "error"),
    [
        ("http://idp.example.se/realms/kommun", "must use https in production"),
        ("idp.example.se/realms/kommun", "is not an absolute http(s) URL"),
    ],
)
def test_oidc_server_url_must_be_an_https_url_in_production(server_url, error):
    sso = {"OIDC_SERVER_URL": server_url, "OIDC_CLIENT_ID": "labportal", "OIDC_CLIENT_SECRET": "s"}
    result = manage("check", **PRODUCTION, **sso)
    assert result.returncode != 0
    assert f"OIDC_SERVER_URL={server_url!r} {error}" in result.stderr


def test_oidc_is_absent_when_not_configured(client, db):
    response = client.get("/accounts/login/")
    assert "/accounts/oidc/" not in response.content.decode()
    assert directives(response["Content-Security-Policy"])["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_sso_cannot_create_accounts(rf):
    assert InvitationOnlySocialAccountAdapter().is_open_for_signup(rf.get("/"), None) is False


@pytest.fixture
def municipality_sso(settings):
    """An openid_connect app as OIDC_* configure it; allauth needs it to look an account up."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "municipality",
                    "name": "Kommunens inloggning",
                    "client_id": "labportal",
                    "secret": "secret",
                    "settings": {"server_url": "https://idp.example.se/realms/kommun"},
                }
            ]
        }
    }


def social_login(email: str, *, verified: bool = True) -> SocialLogin:
    """What allauth has after the provider answered, before it looks up the account."""
    account = SocialAccount(provider="municipality", uid=email)
    return SocialLogin(
        account=account,
        provider=account.get_provider(),
        email_addresses=[EmailAddress(email=email, verified=verified, primary=True)],
    )


def refusal(rf, sociallogin: SocialLogin) -> str:
    """Run the adapter's check; return the message it shows on the login page."""
    request = rf.get("/accounts/oidc/municipality/login/callback/")
    request.session = {}
    request._messages = FallbackStorage(request)
    sociallogin.lookup()
    with translation.override("en"), pytest.raises(ImmediateHttpResponse) as refused:
        InvitationOnlySocialAccountAdapter().pre_social_login(request, sociallogin)
    assert refused.value.response.url == reverse("account_login")
    return " ".join(str(message) for message in request._messages)


@pytest.mark.django_db
def test_sso_links_an_invited_account_by_verified_email(rf, municipality_sso):
    user = UserFactory(email="signe@example.se")
    sociallogin = social_login("Signe@example.se")
    sociallogin.lookup()

    InvitationOnlySocialAccountAdapter().pre_social_login(rf.get("/"), sociallogin)

    assert sociallogin.user == user


@pytest.mark.django_db
def test_sso_refuses_an_address_never_invited(rf, municipality_sso):
    UserFactory(email="signe@example.se")

    message = refusal(rf, social_login("okand@example.se"))

    assert "There is no LabPortal account for okand@example.se." in message
    assert "ask the lab to invite you" in message


@pytest.mark.django_db
def test_sso_refuses_an_unverified_email_even_of_an_invited_person(rf, municipality_sso):
    UserFactory(email="signe@example.se")

    message = refusal(rf, social_login("signe@example.se", verified=False))

    assert "did not confirm an email address" in message
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_sso_sends_a_person_with_a_waiting_invitation_to_the_invitation_email(rf, municipality_sso):
    InvitationFactory(email="ny@example.se")

    message = refusal(rf, social_login("ny@example.se"))

    assert "Your invitation to LabPortal is waiting." in message
