"""The way into LabPortal, in a real browser: an admin or lab lead signs in with
TOTP and invites someone, who opens the emailed link, chooses a password, signs
in and lands on the start page. Every page on the way is checked with axe-core
(WCAG 2.1 A/AA) and for Content-Security-Policy violations."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from labportal.accounts.models import Invitation, User
from labportal.core import outbox
from labportal.core.models import OutboxEmail
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in
from tests.conftest import totp_code

NEW_PASSWORD = "fjällräven-kanot-1987"
INVITATION_LINK = re.compile(r"https?://\S+/invitations/accept/\S+/")


def url_path(page: Page) -> str:
    return urlsplit(page.url).path


def switch_language(page: Page, language: str) -> None:
    """Use the language form in the footer, as a visitor would."""
    footer_form = page.locator(f"footer form[action='{reverse('core:set_language')}']")
    footer_form.get_by_role("combobox").select_option(language)
    footer_form.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def welcome(language: str, name: str) -> str:
    with translation.override(language):
        return gettext("Welcome, %(name)s") % {"name": name}


FLOWS = [
    pytest.param("sv", "admin", "department_staff", id="swedish-admin-invites-department-staff"),
    pytest.param("en", "lab_lead", "trainee", id="english-lab-lead-invites-trainee"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "inviter_role", "invitee_role"), FLOWS)
def test_invitation_flow_from_invite_to_start_page(
    request,
    live_server,
    page,
    new_context,
    csp,
    audit,
    department,
    language,
    inviter_role,
    invitee_role,
):
    # given: an inviter with TOTP, in a Swedish browser
    inviter = request.getfixturevalue(inviter_role)
    invitee_email = f"ny.person.{language}@example.se"
    invitee_name = "Åsa Öberg-Nyström"

    # when: the inviter signs in (switching to English first in the English run)
    page.goto(live_server.url + reverse("account_login"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    audit(page)
    if language != "sv":
        switch_language(page, language)
        audit(page)
    sign_in(page, inviter.email, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    audit(page)
    page.locator("input[name=code]").fill(totp_code(inviter.totp_secret))
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(live_server.url + reverse("core:home"))
    expect(page.locator("h1")).to_have_text(welcome(language, inviter.full_name))
    audit(page)

    # ... and invites someone through the form
    page.locator(f"main a[href='{reverse('accounts:invitation_create')}']").first.click()
    expect(page).to_have_url(live_server.url + reverse("accounts:invitation_create"))
    audit(page)
    form = page.locator("main form[method=post]")
    form.locator("input[name=email]").fill(invitee_email)
    form.locator("select[name=role]").select_option(invitee_role)
    if invitee_role == "department_staff":
        form.locator("select[name=department]").select_option(str(department.pk))
    else:
        form.locator("select[name=organisation]").select_option(str(department.organisation_id))
    form.locator("select[name=language]").select_option(language)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("accounts:invitation_list"))
    expect(page.locator("main table")).to_contain_text(invitee_email)
    audit(page)

    # then: the email, once sent, carries the link
    invitation = Invitation.objects.get(email=invitee_email)
    assert invitation.role == invitee_role
    assert invitation.invited_by == inviter
    email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert email.to == invitee_email
    assert outbox.deliver_outbox_email(email.pk).outcome == "sent"
    (sent,) = [message for message in mail.outbox if message.to == [invitee_email]]
    link = INVITATION_LINK.search(sent.body).group(0)
    link = live_server.url + urlsplit(link).path

    # when: the invitee opens it in a browser of their own
    invitee_page = csp.watch(new_context()).new_page()
    invitee_page.goto(link)
    # ... which takes the token out of the address bar at once
    form_url = live_server.url + reverse("accounts:invitation_accept_form")
    expect(invitee_page).to_have_url(form_url)
    expect(invitee_page.locator("html")).to_have_attribute("lang", "sv")
    audit(invitee_page)
    if language != "sv":
        switch_language(invitee_page, language)
        expect(invitee_page).to_have_url(form_url)
        audit(invitee_page)

    # ... tries a password that is too short
    invitee_form = invitee_page.locator("main form[method=post]")
    invitee_form.locator("input[name=full_name]").fill(invitee_name)
    invitee_form.locator("input[name=password1]").fill("kort")
    invitee_form.locator("input[name=password2]").fill("kort")
    invitee_form.locator("button[type=submit]").click()

    # then: the error is shown, the name kept, and focus is on the faulty field
    password1 = invitee_form.locator("input[name=password1]")
    expect(password1).to_have_attribute("aria-invalid", "true")
    expect(password1).to_be_focused()
    error = invitee_page.locator(f"#{password1.get_attribute('aria-describedby').split()[0]}")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(invitee_form.locator("input[name=full_name]")).to_have_value(invitee_name)
    assert not User.objects.filter(email=invitee_email).exists()
    audit(invitee_page)

    # when: they choose a good one
    invitee_form.locator("input[name=password1]").fill(NEW_PASSWORD)
    invitee_form.locator("input[name=password2]").fill(NEW_PASSWORD)
    invitee_form.locator("button[type=submit]").click()

    # then: they are sent to sign in, and signing in leads to their start page
    expect(invitee_page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    expect(invitee_page.locator("main [role=status]")).to_be_visible()
    audit(invitee_page)
    sign_in(invitee_page, invitee_email, NEW_PASSWORD)
    expect(invitee_page).to_have_url(live_server.url + reverse("core:home"))
    expect(invitee_page.locator("html")).to_have_attribute("lang", language)
    expect(invitee_page.locator("h1")).to_have_text(welcome(language, invitee_name))
    audit(invitee_page)

    user = User.objects.get(email=invitee_email)
    assert user.role == invitee_role
    assert user.full_name == invitee_name
    invitation.refresh_from_db()
    assert invitation.accepted_user == user

    # ... and the link works only once
    response = invitee_page.goto(link)
    assert response.status == 410
    expect(invitee_page.locator(f"main a[href='{reverse('account_login')}']")).to_be_visible()
    audit(invitee_page)


@pytest.mark.django_db(transaction=True)
def test_csp_watch_reports_an_inline_script(live_server, page, csp):
    # given: a page served with our Content-Security-Policy
    page.goto(live_server.url + reverse("account_login"))

    # when: something puts an inline script into it
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
        )

    # then: the browser refuses it and the watch sees the violation
    assert page.evaluate("() => window.inlineRan") is None
    assert len(csp.violations) == 1
    assert "script-src" in csp.violations[0]
    csp.violations.clear()  # planted on purpose: the fixture's final check must pass
