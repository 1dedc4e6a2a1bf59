"""Single sign-on through a real OpenID Connect provider, in a real browser, under
LabPortal's own Content-Security-Policy: an invited person signs in through their
organisation's login, someone never invited is turned away, and a lab lead is still
asked for the two-factor code. The provider is `oidc-provider` (tests/oidc/), started
on a free loopback port; its development login form takes any login name, which it
reports as a verified email."""

from __future__ import annotations

import os
import re
import secrets
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from labportal.accounts.models import User
from labportal.accounts.services import accept_invitation
from tests.accounts.factories import PASSWORD, InvitationFactory
from tests.browser.test_invitation_flow import totp_code

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
PROVIDER_ID = "kommun"
PROVIDER_NAME = "Testkommunens inloggning"
CLIENT_ID = "labportal-test"
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class OIDCProvider:
    issuer: str
    client_id: str
    secret: str


def _read_ready_line(process: subprocess.Popen[str], log: Path) -> str:
    """The provider's `ready <issuer>` line, or a failure with what it logged."""
    stdout = process.stdout
    assert stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        if selector.select(timeout=STARTUP_SECONDS):
            line = stdout.readline().strip()
            if line.startswith("ready "):
                return line.removeprefix("ready ")
    process.kill()
    process.wait(timeout=10)
    pytest.fail(f"The OpenID Connect provider did not start:\n{log.read_text()}")


def _wait_for_discovery(issuer: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urlopen(f"{issuer}/.well-known/openid-configuration", timeout=5) as response:  # noqa: S310 - our loopback provider
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory) -> Iterator[OIDCProvider]:
    """A real OpenID Connect provider on a loopback port the system chose as free (so
    parallel test workers never collide), with LabPortal's live server as its one
    client. Yields once its discovery document answers; stopped afterwards."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the single sign-on tests"
    assert (OIDC_DIR / "node_modules" / "oidc-provider").is_dir(), (
        "Run `make setup` (npm ci --prefix tests/oidc) first"
    )
    secret = secrets.token_urlsafe(24)
    callback = reverse("openid_connect_callback", kwargs={"provider_id": PROVIDER_ID})
    # Its warnings and errors go to a file: a pipe nobody reads could fill and stall it.
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [node, "provider.js", "0"],
            cwd=OIDC_DIR,
            env={
                **os.environ,
                "OIDC_CLIENT_ID": CLIENT_ID,
                "OIDC_CLIENT_SECRET": secret,
                "OIDC_REDIRECT_URIS": live_server.url + callback,
            },
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
    try:
        issuer = _read_ready_line(process, log)
        _wait_for_discovery(issuer)
        yield OIDCProvider(issuer=issuer, client_id=CLIENT_ID, secret=secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def sso(settings, oidc_provider: OIDCProvider) -> OIDCProvider:
    """LabPortal configured for the provider, as OIDC_SERVER_URL and friends configure
    it in settings.py: one openid_connect app, and the provider's origin (the issuer,
    here) allowed as a form target in the Content-Security-Policy."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": PROVIDER_NAME,
                    "client_id": oidc_provider.client_id,
                    "secret": oidc_provider.secret,
                    "settings": {"server_url": oidc_provider.issuer},
                }
            ]
        }
    }
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        **policy,
        "DIRECTIVES": {
            **policy["DIRECTIVES"],
            "form-action": ["'self'", oidc_provider.issuer],
        },
    }
    return oidc_provider


def sv(text: str) -> str:
    with translation.override("sv"):
        return gettext(text)


def invited_user(email: str, full_name: str, role: str = "trainee") -> User:
    """An account made the way people get one: an invitation, accepted."""
    token = secrets.token_urlsafe(32)
    InvitationFactory(email=email, role=role, token=token)
    return accept_invitation(token=token, password=PASSWORD, full_name=full_name)


def sign_in_through_provider(
    page: Page, url: str, provider: OIDCProvider, login_name: str, audit
) -> None:
    """From LabPortal's login page through the organisation's login, as far as the
    provider sends the browser back."""
    page.goto(url + reverse("account_login"))
    audit(page)
    login_url = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
    button = page.locator(f"main a[href^='{login_url}']")
    expect(button).to_contain_text(PROVIDER_NAME)
    button.click()

    # allauth asks before it leaves the site; its form posts and is redirected to the
    # provider: the step the Content-Security-Policy's form-action must allow.
    expect(page).to_have_url(re.compile(re.escape(login_url)))
    audit(page)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer + "/")))

    # the provider's own development login form (not LabPortal's page: no audit)
    provider_form = page.locator("form:has(input[name=login])")
    provider_form.locator("input[name=login]").fill(login_name)
    provider_form.locator("input[name=password]").fill("anything-the-provider-checks")
    provider_form.locator("button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_sso_invited_person_lands_on_start_page(live_server, page, csp, audit, sso):
    # given: someone who accepted an invitation
    user = invited_user("signe.sso@example.se", "Signe Ståhl")
    users_before = User.objects.count()

    # when: they sign in through their organisation's login
    sign_in_through_provider(page, live_server.url, sso, user.email, audit)

    # then: they are on their start page, signed in, without any CSP violation
    expect(page).to_have_url(live_server.url + reverse("core:home"))
    expect(page.locator("h1")).to_have_text(sv("Welcome, %(name)s") % {"name": user.full_name})
    audit(page)

    # ... their account is linked to the provider's account, their password kept
    account = SocialAccount.objects.get(user=user)
    assert account.provider == PROVIDER_ID
    assert account.uid == user.email
    user.refresh_from_db()
    assert user.has_usable_password()
    assert User.objects.count() == users_before


@pytest.mark.django_db(transaction=True)
def test_sso_refuses_someone_never_invited(live_server, page, csp, audit, sso):
    # given: an invited person, and someone else
    invited_user("inbjuden@example.se", "Inga Inbjuden")
    stranger = "okand.person@example.se"
    users_before = User.objects.count()

    # when: the stranger signs in through the organisation's login
    sign_in_through_provider(page, live_server.url, sso, stranger, audit)

    # then: they are back on the login page with the reason, and no account is made
    expect(page).to_have_url(live_server.url + reverse("account_login"))
    expect(page.locator("main [role=status] .alert-danger")).to_have_text(
        sv(
            "There is no LabPortal account for %(email)s. Accounts are created by "
            "invitation: ask the lab to invite you."
        )
        % {"email": stranger}
    )
    audit(page)
    assert not User.objects.filter(email__iexact=stranger).exists()
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == users_before


@pytest.mark.django_db(transaction=True)
def test_sso_lab_lead_is_still_asked_for_the_second_factor(
    live_server, page, csp, audit, sso, lab_lead
):
    # given: a lab lead with TOTP
    # when: they sign in through the organisation's login
    sign_in_through_provider(page, live_server.url, sso, lab_lead.email, audit)

    # then: LabPortal asks for the code before anything else
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    audit(page)

    # when: they enter the code from their authenticator app
    page.locator("input[name=code]").fill(totp_code(lab_lead.totp_secret))
    page.locator("main form[method=post] button[type=submit]").first.click()

    # then: they reach their start page
    expect(page).to_have_url(live_server.url + reverse("core:home"))
    expect(page.locator("h1")).to_have_text(sv("Welcome, %(name)s") % {"name": lab_lead.full_name})
    audit(page)
    assert SocialAccount.objects.get(user=lab_lead).uid == lab_lead.email
