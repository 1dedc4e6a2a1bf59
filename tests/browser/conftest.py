"""Browser fixtures and helpers: a Swedish browser, a Content-Security-Policy watch,
page audits, signing in (with a TOTP code where the role needs one)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.accounts.factories import PASSWORD
from tests.browser.axe import assert_no_axe_violations
from tests.conftest import totp_code


def sv(text: str) -> str:
    """`text` as the Swedish interface shows it."""
    with translation.override("sv"):
        return gettext(text)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the login form of the page that shows it."""
    form = page.locator(f"main form[action='{reverse('account_login')}']")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def sign_in_with_totp(page: Page, user) -> None:
    """Sign in as a user with TOTP (the test personas' password) up to the start page."""
    sign_in(page, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    page.locator("input[name=code]").fill(totp_code(user.totp_secret))
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("core:home")) + "$"))


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in Sweden sends Accept-Language: sv; without this Chromium asks for en-US.
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


class CSPWatch:
    """Collects the browser's console errors about Content-Security-Policy violations
    from every page of the contexts it watches."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("console", self._on_console)
        return context

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            page_url = message.page.url if message.page else "?"
            self.violations.append(f"{page_url}: {message.text}")

    def assert_none(self) -> None:
        assert not self.violations, "Content-Security-Policy violations:\n" + "\n".join(
            self.violations
        )


@pytest.fixture
def csp(context: BrowserContext) -> Iterator[CSPWatch]:
    """Watches the `page` fixture's context; call `csp.watch(other_context)` for more."""
    watch = CSPWatch()
    watch.watch(context)
    yield watch
    watch.assert_none()


@pytest.fixture
def audit(csp: CSPWatch) -> Callable[[Page], None]:
    """Check the page as it is now: no CSP violations so far, then no axe violations.

    The CSP check comes first, so that whatever the axe injection does cannot hide
    or cause a violation of the page itself."""

    def audit_page(page: Page) -> None:
        page.wait_for_load_state("load")
        csp.assert_none()
        assert_no_axe_violations(page)

    return audit_page
